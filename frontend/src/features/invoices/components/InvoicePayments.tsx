import { HandCoins } from "lucide-react";
import { Money } from "@/components/common";
import { QueryState } from "@/components/QueryState";
import { Card, CardHeader, CardTitle } from "@/components/ui/card";
import { ListSkeleton } from "@/components/ui/skeleton";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import { useT } from "@/lib/i18n";
import { labelOf, PAYMENT_METHODS } from "@/lib/options";
import { formatDate } from "@/lib/utils";
import { useInvoicePayments } from "../api";

/** The payments booked against an invoice: date, method, amount, reference and M-Pesa receipt. */
export function InvoicePayments({ invoiceId, currency }: { invoiceId: number; currency?: string }) {
  const t = useT();
  const q = useInvoicePayments(invoiceId);
  return (
    <Card className="min-w-0" data-testid="invoice-payments">
      <CardHeader>
        <CardTitle>{t("invoices.payments.title")}</CardTitle>
      </CardHeader>
      <QueryState
        query={q}
        loading={<ListSkeleton rows={2} />}
        isEmpty={(data) => data.length === 0}
        empty={{ icon: HandCoins, title: t("invoices.payments.none"), body: t("invoices.payments.noneBody") }}
      >
        {(rows) => (
          <>
            <div className="hidden sm:block">
              <Table data-testid="invoice-payments-table">
                <THead>
                  <tr>
                    <TH>{t("invoices.payments.date")}</TH>
                    <TH>{t("invoices.payments.method")}</TH>
                    <TH className="text-right">{t("invoices.payments.amount")}</TH>
                    <TH>{t("invoices.payments.reference")}</TH>
                    <TH>{t("invoices.payments.receipt")}</TH>
                  </tr>
                </THead>
                <TBody>
                  {rows.map((p) => (
                    <TR key={p.id} data-testid="invoice-payment">
                      <TD className="whitespace-nowrap tabular">{formatDate(p.date)}</TD>
                      <TD data-testid="payment-row-method">{labelOf(PAYMENT_METHODS, p.method)}</TD>
                      <TD className="text-right">
                        <Money value={p.amount} currency={currency} />
                      </TD>
                      <TD className="break-all" data-testid="payment-row-reference">
                        {p.reference || "—"}
                      </TD>
                      <TD className="font-mono text-xs" data-testid="payment-row-receipt">
                        {p.mpesa_receipt || "—"}
                      </TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
            </div>
            {/* On a phone, one line per payment instead of a table that would scroll sideways. */}
            <ul className="divide-y border-t sm:hidden">
              {rows.map((p) => (
                <li key={p.id} className="flex items-start justify-between gap-3 px-4 py-3 text-sm" data-testid="invoice-payment-card">
                  <div className="min-w-0">
                    <p className="font-medium">
                      {labelOf(PAYMENT_METHODS, p.method)} · {formatDate(p.date)}
                    </p>
                    {(p.mpesa_receipt || p.reference) && (
                      <p className="break-all text-xs text-muted-foreground">
                        {p.mpesa_receipt ? `${t("invoices.payments.receipt")}: ${p.mpesa_receipt}` : `${t("invoices.payments.reference")}: ${p.reference}`}
                      </p>
                    )}
                  </div>
                  <Money value={p.amount} currency={currency} className="font-semibold" />
                </li>
              ))}
            </ul>
          </>
        )}
      </QueryState>
    </Card>
  );
}
