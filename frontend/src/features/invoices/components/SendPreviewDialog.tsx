import { Send } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useCustomerOptions } from "@/lib/hooks";
import { interpolate, useT } from "@/lib/i18n";
import { formatMoney } from "@/lib/money";
import type { Invoice } from "@/lib/types";
import { formatDate } from "@/lib/utils";
import { useActiveBusiness } from "@/stores/session";
import { useInvoiceBusiness, type PaymentInstructions } from "../api";
import { trimQty } from "./customerName";

function bankText(bank: PaymentInstructions["bank"]): string {
  if (!bank) return "";
  if (typeof bank === "string") return bank;
  return [bank.name, bank.branch, bank.account_name, bank.account_number].filter(Boolean).join(", ");
}

/** The invoice as the customer will see it, with Send and Cancel: nothing goes out unseen. */
export function SendPreviewDialog({ invoice, customerName, sending, onSend, onClose }: { invoice: Invoice; customerName: string; sending: boolean; onSend: () => void; onClose: () => void }) {
  const t = useT();
  const active = useActiveBusiness();
  const business = useInvoiceBusiness(active?.id);
  const customers = useCustomerOptions();
  const email = customers.data?.results.find((c) => c.id === invoice.customer)?.email;
  const b = business.data;
  const from = b?.dba_name || b?.legal_name || active?.dba_name || active?.legal_name || "";
  const pay = b?.payment_instructions ?? {};
  const account = invoice.invoice_number || `#${invoice.id}`;
  const howToPay = [
    pay.mpesa_paybill ? interpolate(t("invoices.preview.paybill"), { paybill: pay.mpesa_paybill, account }) : "",
    pay.mpesa_till ? interpolate(t("invoices.preview.till"), { till: pay.mpesa_till }) : "",
    bankText(pay.bank) ? interpolate(t("invoices.preview.bank"), { bank: bankText(pay.bank) }) : "",
  ].filter(Boolean);
  const items = Array.isArray(invoice.items) ? invoice.items : [];
  const cur = invoice.currency;

  return (
    <Dialog
      open
      onClose={onClose}
      title={t("invoices.preview.title")}
      description={t("invoices.preview.intro")}
      testId="invoice-preview"
      footer={
        <>
          <Button variant="outline" onClick={onClose} data-testid="invoice-preview-cancel">
            {t("btn.cancel")}
          </Button>
          <Button onClick={onSend} loading={sending} data-testid="invoice-preview-send">
            <Send /> {t("invoices.preview.send")}
          </Button>
        </>
      }
    >
      <article className="grid gap-4 rounded-lg border p-4 text-sm" aria-label={interpolate(t("invoices.detail.title"), { number: account })}>
        <div className="flex flex-wrap justify-between gap-3">
          <div>
            <p className="text-xs uppercase text-muted-foreground">{t("invoices.preview.from")}</p>
            <p className="font-semibold" data-testid="preview-business">{from}</p>
            {b?.address && <p className="text-muted-foreground">{b.address}</p>}
            {(b?.phone || b?.email) && <p className="text-muted-foreground">{[b?.phone, b?.email].filter(Boolean).join(" · ")}</p>}
          </div>
          <div className="text-right">
            <p className="font-semibold">{interpolate(t("invoices.detail.title"), { number: account })}</p>
            <p className="text-muted-foreground">
              {t("invoices.preview.issued")} {formatDate(invoice.issue_date)}
            </p>
            <p className="font-medium" data-testid="preview-due">
              {t("invoices.preview.due")} {formatDate(invoice.due_date)}
            </p>
          </div>
        </div>
        <div>
          <p className="text-xs uppercase text-muted-foreground">{t("invoices.preview.billTo")}</p>
          <p className="font-semibold" data-testid="preview-customer">{customerName}</p>
        </div>
        <table className="w-full text-left">
          <thead className="text-xs text-muted-foreground">
            <tr>
              <th className="py-1 font-medium">{t("invoices.detail.description")}</th>
              <th className="py-1 text-right font-medium">{t("invoices.detail.qty")}</th>
              <th className="py-1 text-right font-medium">{t("invoices.detail.amount")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item, i) => (
              <tr key={item.id ?? i} className="border-t" data-testid="preview-item">
                <td className="py-1.5">{item.description}</td>
                <td className="py-1.5 text-right tabular">{trimQty(String(item.quantity))}</td>
                <td className="py-1.5 text-right tabular">{formatMoney(item.line_total ?? item.amount, cur)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <dl className="ml-auto grid w-full max-w-xs gap-1 tabular">
          <div className="flex justify-between">
            <dt className="text-muted-foreground">{t("invoices.detail.subtotal")}</dt>
            <dd>{formatMoney(invoice.subtotal, cur)}</dd>
          </div>
          <div className="flex justify-between">
            <dt className="text-muted-foreground">{t("invoices.detail.vat")}</dt>
            <dd>{formatMoney(invoice.tax_amount, cur)}</dd>
          </div>
          <div className="flex justify-between border-t pt-1 font-semibold">
            <dt>{t("invoices.detail.balance")}</dt>
            <dd data-testid="preview-total">{formatMoney(invoice.balance_due, cur)}</dd>
          </div>
        </dl>
        <div>
          <p className="text-xs uppercase text-muted-foreground">{t("invoices.preview.howToPay")}</p>
          {howToPay.length ? (
            howToPay.map((line) => (
              <p key={line} data-testid="preview-how-to-pay">
                {line}
              </p>
            ))
          ) : (
            <p className="text-muted-foreground" data-testid="preview-no-instructions">
              {t("invoices.preview.noInstructions")}
            </p>
          )}
        </div>
      </article>
      <p className="mt-3 text-sm text-muted-foreground" data-testid="preview-delivery">
        {email ? interpolate(t("invoices.preview.emailTo"), { email }) : t("invoices.preview.noEmail")}
      </p>
    </Dialog>
  );
}
