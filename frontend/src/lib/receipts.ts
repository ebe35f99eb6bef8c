/** Opening a transaction's receipt: fetched with the user's token (the API checks the business), shown from a blob: URL. */
import { api } from "./client";
import { downloadBlob } from "./utils";

export function receiptPath(transactionId: number): string {
  return `finance/transactions/${transactionId}/receipt/`;
}

/**
 * Opens the receipt in a new tab. The tab is opened during the click (so no popup blocker stops
 * it) and pointed at the file once it has arrived; without a tab the file is downloaded instead.
 */
export async function openReceipt(transactionId: number): Promise<void> {
  const win = window.open("", "_blank");
  try {
    const { blob, filename } = await api.blob(receiptPath(transactionId), { accept: "image/*, application/pdf, application/json;q=0.5" });
    if (!win || win.closed) {
      downloadBlob(blob, filename ?? `receipt-${transactionId}`);
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
