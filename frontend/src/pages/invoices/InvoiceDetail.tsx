import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, Ban, Download, HandCoins, Send, Smartphone } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { ErrorState, Money, StatusBadge } from "@/components/common";
import { StkRequestDialog } from "@/components/mpesa/StkRequestDialog";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import { toast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/api";
import { api, bizKey } from "@/lib/client";
import { fieldError, formError, useBizMutation } from "@/lib/hooks";
import { useT } from "@/lib/i18n";
import { lineTotals } from "@/lib/invoiceMath";
import { canRequestMpesa } from "@/lib/mpesa";
import { centsToString, formatMoney, moneyToCents, normalizeMoney } from "@/lib/money";
import { PAYMENT_METHODS } from "@/lib/options";
import { canWrite } from "@/lib/roles";
import type { Invoice } from "@/lib/types";
import { downloadBlob, formatDate, todayISO } from "@/lib/utils";
import { useRole } from "@/stores/session";
import { useCustomerName } from "./Invoices";

/** "2.000" -> "2", "1.500" -> "1.5" */
function trimQty(q: string): string {
  return q.includes(".") ? q.replace(/\.?0+$/, "") : q;
}

function PaymentDialog({ invoice, onClose }: { invoice: Invoice; onClose: () => void }) {
  const t = useT();
  const [amount, setAmount] = useState(invoice.balance_due);
  const [paidDate, setPaidDate] = useState(todayISO());
  const [method, setMethod] = useState("mpesa");
  const [reference, setReference] = useState("");
  const [localError, setLocalError] = useState<string | undefined>();

  const pay = useBizMutation(
    () =>
      api.post<Invoice>(`finance/invoices/${invoice.id}/mark_paid/`, {
        amount: normalizeMoney(amount) ?? amount,
        paid_date: paidDate,
        payment_method: method,
        ...(reference.trim() ? { reference: reference.trim() } : {}),
      }),
    () => {
      toast.success("Payment recorded.");
      onClose();
    },
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const cents = moneyToCents(amount);
    const due = moneyToCents(invoice.balance_due) ?? 0n;
    if (cents === null || cents <= 0n) return setLocalError("Enter the amount received, such as 1500.00.");
    if (cents > due) return setLocalError(`That is more than the ${formatMoney(invoice.balance_due, invoice.currency)} still due.`);
    setLocalError(undefined);
    pay.mutate(undefined);
  };

  return (
    <Dialog
      open
      onClose={onClose}
      title={t("btn.recordPayment")}
      description={`Balance due: ${formatMoney(invoice.balance_due, invoice.currency)}. A part payment leaves the rest outstanding.`}
      testId="payment-dialog"
      closeLabel={t("btn.close")}
      footer={
        <>
          <Button variant="outline" onClick={onClose}>
            {t("btn.cancel")}
          </Button>
          <Button type="submit" form="payment-form" loading={pay.isPending} data-testid="payment-save">
            {t("btn.recordPayment")}
          </Button>
        </>
      }
    >
      <form id="payment-form" onSubmit={submit} className="grid gap-4" noValidate>
        <FormError message={formError(pay.error, ["amount", "paid_date", "payment_method", "reference"])} />
        <Field label="Amount received" error={localError ?? fieldError(pay.error, "amount")} required>
          <Input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} data-testid="payment-amount" />
        </Field>
        <div className="grid grid-cols-2 gap-4">
          <Field label="Date paid" error={fieldError(pay.error, "paid_date")}>
            <Input type="date" value={paidDate} onChange={(e) => setPaidDate(e.target.value)} data-testid="payment-date" />
          </Field>
          <Field label="Method" error={fieldError(pay.error, "payment_method")}>
            <Select value={method} onChange={(e) => setMethod(e.target.value)} data-testid="payment-method">
              {PAYMENT_METHODS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <Field label="Reference" error={fieldError(pay.error, "reference")} hint="e.g. the M-Pesa confirmation code">
          <Input value={reference} onChange={(e) => setReference(e.target.value)} data-testid="payment-reference" />
        </Field>
      </form>
    </Dialog>
  );
}

export default function InvoiceDetail() {
  const t = useT();
  const { id } = useParams();
  const role = useRole();
  const [paying, setPaying] = useState(false);
  const [requestingMpesa, setRequestingMpesa] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [downloading, setDownloading] = useState(false);
  const customerName = useCustomerName();
  const q = useQuery({ queryKey: bizKey("finance/invoices/", id), queryFn: () => api.get<Invoice>(`finance/invoices/${id}/`) });
  const inv = q.data;

  const send = useBizMutation(
    () => api.post<Invoice>(`finance/invoices/${id}/send/`),
    () => toast.success("Invoice sent to the customer."),
  );
  const cancel = useBizMutation(
    () => api.post<Invoice>(`finance/invoices/${id}/cancel/`),
    () => {
      toast.success("Invoice cancelled.");
      setConfirmCancel(false);
    },
  );

  const downloadPdf = async () => {
    if (!inv) return;
    setDownloading(true);
    try {
      const { blob, filename } = await api.blob(`finance/invoices/${inv.id}/pdf/`, { accept: "application/pdf, application/json;q=0.5" });
      downloadBlob(blob, filename ?? `invoice-${inv.invoice_number || inv.id}.pdf`);
    } catch (err) {
      toast.error(errorMessage(err));
    } finally {
      setDownloading(false);
    }
  };

  if (q.isPending) {
    return (
      <div className="space-y-4" data-testid="loading">
        <Skeleton className="h-8 w-56" />
        <Skeleton className="h-40" />
        <Skeleton className="h-56" />
      </div>
    );
  }
  if (q.isError || !inv) {
    return (
      <Card>
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      </Card>
    );
  }

  const writer = canWrite(role);
  const status = inv.status;
  const canSend = writer && ["draft", "sent", "overdue", "partially_paid"].includes(status);
  const canPay = writer && ["draft", "sent", "overdue", "partially_paid"].includes(status) && (moneyToCents(inv.balance_due) ?? 0n) > 0n;
  // Staff and above may send an STK push (finance/api/mpesa.py `required_roles`).
  const canMpesa = writer && canRequestMpesa(inv);
  const canCancel = writer && ["draft", "sent", "overdue"].includes(status);
  const items = Array.isArray(inv.items) ? inv.items : [];

  return (
    <div data-testid="page-invoice-detail">
      <Link to="/invoices" className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ArrowLeft className="size-4" /> {t("nav.invoices")}
      </Link>
      <div className="mb-4 flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div>
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="text-xl font-semibold sm:text-2xl" data-testid="invoice-number-heading">
              {inv.invoice_number || `Invoice #${inv.id}`}
            </h1>
            <StatusBadge status={status} testId="invoice-status" />
          </div>
          <p className="mt-1 text-sm text-muted-foreground">
            {customerName(inv)} · Issued {formatDate(inv.issue_date)} · Due {formatDate(inv.due_date)}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button variant="outline" size="sm" onClick={downloadPdf} loading={downloading} data-testid="invoice-pdf">
            <Download /> {t("btn.downloadPdf")}
          </Button>
          {canSend && (
            <Button variant={status === "draft" ? "default" : "outline"} size="sm" onClick={() => send.mutate(undefined, { onError: (e) => toast.error(errorMessage(e)) })} loading={send.isPending} data-testid="invoice-send">
              <Send /> {status === "draft" ? t("btn.sendInvoice") : "Resend"}
            </Button>
          )}
          {canPay && (
            <Button size="sm" onClick={() => setPaying(true)} data-testid="invoice-record-payment">
              <HandCoins /> {t("btn.recordPayment")}
            </Button>
          )}
          {canMpesa && (
            <Button variant="outline" size="sm" onClick={() => setRequestingMpesa(true)} data-testid="invoice-mpesa-request">
              <Smartphone /> {t("mpesa.request")}
            </Button>
          )}
          {canCancel && (
            <Button variant="outline" size="sm" className="text-destructive" onClick={() => setConfirmCancel(true)} data-testid="invoice-cancel">
              <Ban /> {t("btn.cancelInvoice")}
            </Button>
          )}
        </div>
      </div>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3 lg:items-start">
        <Card className="min-w-0 lg:col-span-2">
          <CardHeader>
            <CardTitle>Items</CardTitle>
          </CardHeader>
          <Table>
            <THead>
              <tr>
                <TH>Description</TH>
                <TH className="text-right">Qty</TH>
                <TH className="hidden text-right sm:table-cell">Unit price</TH>
                <TH className="hidden text-right sm:table-cell">VAT</TH>
                <TH className="text-right">Amount</TH>
              </tr>
            </THead>
            <TBody>
              {items.map((item, i) => {
                const computed = lineTotals({ quantity: String(item.quantity), unit_price: String(item.unit_price), tax_rate: String(item.tax_rate ?? "0") });
                return (
                  <TR key={item.id ?? i} data-testid="invoice-item">
                    <TD>
                      {item.description}
                      <div className="text-xs text-muted-foreground sm:hidden">
                        @ {formatMoney(item.unit_price, inv.currency)} + {item.tax_rate}% VAT
                      </div>
                    </TD>
                    <TD className="text-right tabular">{trimQty(String(item.quantity))}</TD>
                    <TD className="hidden text-right sm:table-cell">
                      <Money value={item.unit_price} currency={inv.currency} />
                    </TD>
                    <TD className="hidden text-right tabular sm:table-cell">{item.tax_rate}%</TD>
                    <TD className="text-right">
                      <Money value={item.amount ?? item.line_total ?? centsToString(computed.amount)} currency={inv.currency} />
                    </TD>
                  </TR>
                );
              })}
            </TBody>
          </Table>
          {inv.notes && <p className="border-t p-4 text-sm text-muted-foreground">{inv.notes}</p>}
        </Card>
        <Card>
          <CardContent className="p-4 sm:p-5">
            <dl className="grid gap-2 text-sm tabular">
              <div className="flex justify-between">
                <dt className="text-muted-foreground">Subtotal</dt>
                <dd data-testid="invoice-subtotal">{formatMoney(inv.subtotal, inv.currency)}</dd>
              </div>
              <div className="flex justify-between">
                <dt className="text-muted-foreground">VAT</dt>
                <dd data-testid="invoice-tax">{formatMoney(inv.tax_amount, inv.currency)}</dd>
              </div>
              <div className="flex justify-between border-t pt-2 font-semibold">
                <dt>{t("word.total")}</dt>
                <dd data-testid="invoice-total">{formatMoney(inv.total_amount, inv.currency)}</dd>
              </div>
              <div className="flex justify-between">
                <dt className="text-muted-foreground">Paid</dt>
                <dd data-testid="invoice-paid">{formatMoney(inv.amount_paid, inv.currency)}</dd>
              </div>
              <div className="flex justify-between border-t pt-2 text-base font-semibold">
                <dt>Balance due</dt>
                <dd data-testid="invoice-balance">{formatMoney(inv.balance_due, inv.currency)}</dd>
              </div>
              {inv.paid_date && (
                <div className="flex justify-between text-xs text-muted-foreground">
                  <dt>Paid on</dt>
                  <dd>{formatDate(inv.paid_date)}</dd>
                </div>
              )}
            </dl>
          </CardContent>
        </Card>
      </div>

      {paying && <PaymentDialog invoice={inv} onClose={() => setPaying(false)} />}
      {requestingMpesa && <StkRequestDialog invoice={inv} onClose={() => setRequestingMpesa(false)} />}
      <ConfirmDialog
        open={confirmCancel}
        title="Cancel this invoice?"
        body="The customer will no longer owe this amount. A cancelled invoice can't be sent again."
        confirmLabel={t("btn.cancelInvoice")}
        cancelLabel={t("btn.back")}
        destructive
        busy={cancel.isPending}
        onConfirm={() => cancel.mutate(undefined, { onError: (e) => toast.error(errorMessage(e)) })}
        onClose={() => setConfirmCancel(false)}
      />
    </div>
  );
}
