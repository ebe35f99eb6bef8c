/** Opening a transaction's receipt: fetched with the user's token (the API checks the business). */
import type { Transaction } from "./types";
import { api } from "./client";
import { downloadBlob } from "./utils";

export function receiptPath(transactionId: number): string {
  return `finance/transactions/${transactionId}/receipt/`;
}

const looksLikePdf = (tx: Pick<Transaction, "receipt">) => /\.pdf(?:$|\?)/i.test(tx.receipt ?? "");

/**
 * An image opens in a new tab, from a blob: URL. The tab is opened during the click (so no popup
 * blocker stops it) and pointed at the file once it has arrived. A PDF is downloaded instead: a
 * blob: tab inherits the app's Content-Security-Policy, whose object-src 'none' stops the browser's
 * PDF viewer. Without a tab, any receipt is downloaded.
 */
export async function openReceipt(tx: Pick<Transaction, "id" | "receipt">): Promise<void> {
  const win = looksLikePdf(tx) ? null : window.open("", "_blank");
  try {
    const { blob, filename, contentType } = await api.blob(receiptPath(tx.id), { accept: "image/*, application/pdf, application/json;q=0.5" });
    if (!win || win.closed || !contentType?.startsWith("image/")) {
      win?.close();
      downloadBlob(blob, filename ?? `receipt-${tx.id}`);
      return;
    }
    const url = URL.createObjectURL(blob);
    win.location.href = url;
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (err) {
    win?.close();
    throw err;
  }
}
