import { ArrowLeft, Ban, Copy, Download, HandCoins, Pencil, Send, Smartphone } from "lucide-react";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { Money, StatusBadge } from "@/components/common";
import { QueryState } from "@/components/QueryState";
import { StkRequestDialog } from "@/features/mpesa/components/StkRequestDialog";
import { Button, buttonVariants } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Skeleton } from "@/components/ui/skeleton";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import { toast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/api";
import { interpolate, useT } from "@/lib/i18n";
import { lineTotals } from "@/lib/invoiceMath";
import { canRequestMpesa } from "@/lib/mpesa";
import { centsToString, formatMoney, moneyToCents } from "@/lib/money";
import { canWrite } from "@/lib/roles";
import { usePageTitle } from "@/lib/usePageTitle";
import { downloadBlob, formatDate } from "@/lib/utils";
import { useRole } from "@/stores/session";
import { fetchInvoicePdf, useCancelInvoice, useDuplicateInvoice, useInvoice, useSendInvoice } from "../api";
import { trimQty, useCustomerName } from "../components/customerName";
import { InvoicePayments } from "../components/InvoicePayments";
import { PaymentDialog } from "../components/PaymentDialog";
import { SendPreviewDialog } from "../components/SendPreviewDialog";

export default function InvoiceDetail() {
  const t = useT();
  const { id } = useParams();
  const role = useRole();
  const navigate = useNavigate();
  const [paying, setPaying] = useState(false);
  const [previewing, setPreviewing] = useState(false);
  const [requestingMpesa, setRequestingMpesa] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [downloading, setDownloading] = useState(false);
  const customerName = useCustomerName();
  const q = useInvoice(id);
  const inv = q.data;
  usePageTitle(inv ? interpolate(t("invoices.detail.title"), { number: inv.invoice_number || `#${inv.id}` }) : t("nav.invoices"));

  const send = useSendInvoice(() => {
    toast.success(t("invoices.detail.sent"));
    setPreviewing(false);
  });
  const cancel = useCancelInvoice(() => {
    toast.success(t("invoices.detail.cancelled"));
    setConfirmCancel(false);
  });
  const duplicate = useDuplicateInvoice((copy) => {
    toast.success(interpolate(t("invoices.detail.duplicated"), { number: copy.invoice_number }));
    navigate(`/invoices/${copy.id}`);
  });

  const downloadPdf = async () => {
    if (!inv) return;
    setDownloading(true);
    try {
      const { blob, filename } = await fetchInvoicePdf(inv.id);
      downloadBlob(blob, filename ?? `invoice-${inv.invoice_number || inv.id}.pdf`);
    } catch (err) {
      toast.error(errorMessage(err));
    } finally {
      setDownloading(false);
    }
  };

  if (q.isPending || q.isError || !inv) {
    return (
      <QueryState
        query={q}
        loading={
          <div className="space-y-4">
            <Skeleton className="h-8 w-56" />
            <Skeleton className="h-40" />
            <Skeleton className="h-56" />
          </div>
        }
        frame={(node) => <Card>{node}</Card>}
      >
        {() => null}
      </QueryState>
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
  const closed = status === "paid" || status === "cancelled";
  const editReason = status === "paid" ? t("invoices.detail.editPaid") : status === "cancelled" ? t("invoices.detail.editCancelled") : "";
  const onError = (e: unknown) => toast.error(errorMessage(e));

  return (
    <div className="pb-24" data-testid="page-invoice-detail">
      <Link to="/invoices" className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ArrowLeft className="size-4" /> {t("nav.invoices")}
      </Link>
      <div className="mb-4 flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div>
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="text-xl font-semibold sm:text-2xl" data-testid="invoice-number-heading">
              {inv.invoice_number || interpolate(t("invoices.numberless"), { id: inv.id })}
            </h1>
            <StatusBadge status={status} testId="invoice-status" />
          </div>
          <p className="mt-1 text-sm text-muted-foreground">
            {interpolate(t("invoices.detail.meta"), { customer: customerName(inv), issued: formatDate(inv.issue_date), due: formatDate(inv.due_date) })}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button variant="outline" size="sm" onClick={downloadPdf} loading={downloading} data-testid="invoice-pdf">
            <Download /> {t("btn.downloadPdf")}
          </Button>
          {writer && !closed && (
            <Link to={`/invoices/${inv.id}/edit`} className={buttonVariants({ variant: "outline", size: "sm" })} data-testid="invoice-edit">
              <Pencil /> {t("invoices.detail.edit")}
            </Link>
          )}
          {writer && (
            <Button variant="outline" size="sm" onClick={() => duplicate.mutate(inv.id, { onError })} loading={duplicate.isPending} data-testid="invoice-duplicate">
              <Copy /> {t("invoices.detail.duplicate")}
            </Button>
          )}
          {canSend && (
            <Button variant={status === "draft" ? "default" : "outline"} size="sm" onClick={() => setPreviewing(true)} data-testid="invoice-send">
              <Send /> {status === "draft" ? t("btn.sendInvoice") : t("invoices.detail.resend")}
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
      {writer && closed && (
        <p className="mb-4 text-sm text-muted-foreground" data-testid="invoice-edit-reason">
          {editReason}
        </p>
      )}

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3 lg:items-start">
        <Card className="min-w-0 lg:col-span-2">
          <CardHeader>
            <CardTitle>{t("invoices.detail.items")}</CardTitle>
          </CardHeader>
          <Table>
            <THead>
              <tr>
                <TH>{t("invoices.detail.description")}</TH>
                <TH className="text-right">{t("invoices.detail.qty")}</TH>
                <TH className="hidden text-right sm:table-cell">{t("invoices.detail.unitPrice")}</TH>
                <TH className="hidden text-right sm:table-cell">{t("invoices.detail.vat")}</TH>
                <TH className="text-right">{t("invoices.detail.amount")}</TH>
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
                        {interpolate(t("invoices.detail.lineVat"), { price: formatMoney(item.unit_price, inv.currency), rate: trimQty(String(item.tax_rate)) })}
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
                <dt className="text-muted-foreground">{t("invoices.detail.subtotal")}</dt>
                <dd data-testid="invoice-subtotal">{formatMoney(inv.subtotal, inv.currency)}</dd>
              </div>
              <div className="flex justify-between">
                <dt className="text-muted-foreground">{t("invoices.detail.vat")}</dt>
                <dd data-testid="invoice-tax">{formatMoney(inv.tax_amount, inv.currency)}</dd>
              </div>
              <div className="flex justify-between border-t pt-2 font-semibold">
                <dt>{t("word.total")}</dt>
                <dd data-testid="invoice-total">{formatMoney(inv.total_amount, inv.currency)}</dd>
              </div>
              <div className="flex justify-between">
                <dt className="text-muted-foreground">{t("invoices.detail.paid")}</dt>
                <dd data-testid="invoice-paid">{formatMoney(inv.amount_paid, inv.currency)}</dd>
              </div>
              <div className="flex justify-between border-t pt-2 text-base font-semibold">
                <dt>{t("invoices.detail.balance")}</dt>
                <dd data-testid="invoice-balance">{formatMoney(inv.balance_due, inv.currency)}</dd>
              </div>
              {inv.paid_date && (
                <div className="flex justify-between text-xs text-muted-foreground">
                  <dt>{t("invoices.detail.paidOn")}</dt>
                  <dd>{formatDate(inv.paid_date)}</dd>
                </div>
              )}
            </dl>
          </CardContent>
        </Card>
      </div>

      <div className="mt-4">
        <InvoicePayments invoiceId={inv.id} currency={inv.currency} />
      </div>

      {previewing && (
        <SendPreviewDialog invoice={inv} customerName={customerName(inv)} sending={send.isPending} onSend={() => send.mutate(inv.id, { onError })} onClose={() => setPreviewing(false)} />
      )}
      {paying && <PaymentDialog invoice={inv} onClose={() => setPaying(false)} />}
      {requestingMpesa && <StkRequestDialog invoice={inv} onClose={() => setRequestingMpesa(false)} />}
      <ConfirmDialog
        open={confirmCancel}
        title={t("invoices.detail.cancelTitle")}
        body={t("invoices.detail.cancelBody")}
        confirmLabel={t("btn.cancelInvoice")}
        cancelLabel={t("btn.back")}
        destructive
        busy={cancel.isPending}
        onConfirm={() => cancel.mutate(inv.id, { onError })}
        onClose={() => setConfirmCancel(false)}
      />
    </div>
  );
}
