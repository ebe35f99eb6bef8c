import { Info, Plus, Trash2, UserPlus } from "lucide-react";
import { useMemo, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { PageHeader } from "@/components/common";
import { PartyForm } from "@/features/parties/components/PartyForm";
import { Button, buttonVariants } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { ApiError } from "@/lib/api";
import { fieldError, formError, useCustomerOptions } from "@/lib/hooks";
import { interpolate, useT } from "@/lib/i18n";
import { invoiceTotals } from "@/lib/invoiceMath";
import { centsToString, formatMoney, moneyToCents, normalizeMoney, parseDecimal } from "@/lib/money";
import type { Invoice } from "@/lib/types";
import { addDaysISO, todayISO } from "@/lib/utils";
import type { InvoiceBody } from "../api";
import { trimQty } from "./customerName";

interface Line {
  key: number;
  description: string;
  quantity: string;
  unit_price: string;
  tax_rate: string;
}

let lineSeq = 0;
const newLine = (): Line => ({ key: ++lineSeq, description: "", quantity: "1", unit_price: "", tax_rate: "16" });
const HEADER_FIELDS = ["customer", "invoice_number", "issue_date", "due_date", "notes", "items"];

function linesOf(invoice: Invoice | undefined): Line[] {
  const items = Array.isArray(invoice?.items) ? invoice.items : [];
  if (!items.length) return [newLine()];
  return items.map((i) => ({
    key: ++lineSeq,
    description: i.description ?? "",
    quantity: trimQty(String(i.quantity)),
    unit_price: String(i.unit_price),
    tax_rate: trimQty(String(i.tax_rate ?? "0")),
  }));
}

export interface InvoiceFormProps {
  /** The invoice being edited; absent for a new one. */
  invoice?: Invoice;
  title: string;
  description: string;
  currency: string;
  saving: boolean;
  error: unknown;
  onSubmit: (body: InvoiceBody) => void;
  cancelTo: string;
}

/**
 * The invoice form, for a new invoice and for an edit. A sent or partly paid invoice keeps its
 * customer, issue date and number (the server refuses those), so they are shown but locked.
 */
export function InvoiceForm({ invoice, title, description, currency, saving, error, onSubmit, cancelTo }: InvoiceFormProps) {
  const t = useT();
  const customers = useCustomerOptions();
  const locked = !!invoice && invoice.status !== "draft";
  const [customer, setCustomer] = useState(invoice?.customer ? String(invoice.customer) : "");
  const [invoiceNumber, setInvoiceNumber] = useState(invoice?.invoice_number ?? "");
  const [issueDate, setIssueDate] = useState(invoice?.issue_date ?? todayISO());
  const [dueDate, setDueDate] = useState(invoice?.due_date ?? addDaysISO(todayISO(), 30));
  const [notes, setNotes] = useState(invoice?.notes ?? "");
  const [lines, setLines] = useState<Line[]>(() => linesOf(invoice));
  const [addingCustomer, setAddingCustomer] = useState(false);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});

  const totals = useMemo(() => invoiceTotals(lines), [lines]);
  const paidCents = moneyToCents(invoice?.amount_paid ?? "0") ?? 0n;

  const update = (key: number, patch: Partial<Line>) => setLines((ls) => ls.map((l) => (l.key === key ? { ...l, ...patch } : l)));

  const validate = () => {
    const errors: Record<string, string> = {};
    if (!customer) errors.customer = t("invoices.form.errCustomer");
    if (dueDate && issueDate && dueDate < issueDate) errors.due_date = t("invoices.form.errDue");
    lines.forEach((l, i) => {
      if (!l.description.trim()) errors[`items.${i}.description`] = t("invoices.form.errDescription");
      const q = parseDecimal(l.quantity);
      if (!q || q.n <= 0n) errors[`items.${i}.quantity`] = t("invoices.form.errQty");
      const p = moneyToCents(l.unit_price);
      if (p === null || p < 0n) errors[`items.${i}.unit_price`] = t("invoices.form.errPrice");
      if (l.tax_rate.trim() && !parseDecimal(l.tax_rate)) errors[`items.${i}.tax_rate`] = t("invoices.form.errRate");
    });
    if (locked && totals.valid && (moneyToCents(totals.total) ?? 0n) < paidCents) {
      errors.items = interpolate(t("invoices.form.errBelowPaid"), { amount: formatMoney(invoice?.amount_paid, currency) });
    }
    setLocalErrors(errors);
    return Object.keys(errors).length === 0;
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!validate()) return;
    const items = lines.map((l) => ({
      description: l.description.trim(),
      quantity: l.quantity.trim(),
      unit_price: normalizeMoney(l.unit_price) ?? l.unit_price,
      tax_rate: l.tax_rate.trim() || "0",
    }));
    if (locked) {
      onSubmit({ due_date: dueDate, notes, items });
      return;
    }
    onSubmit({
      customer: customer ? Number(customer) : null,
      ...(invoiceNumber.trim() ? { invoice_number: invoiceNumber.trim() } : {}),
      issue_date: issueDate,
      due_date: dueDate,
      ...(invoice ? {} : { currency }),
      notes,
      items,
    });
  };

  const belowPaid = error instanceof ApiError && error.code === "invoice_total_below_paid";
  const err = (name: string) =>
    localErrors[name] ?? (name === "items" && belowPaid ? interpolate(t("invoices.form.errBelowPaid"), { amount: formatMoney(invoice?.amount_paid, currency) }) : fieldError(error, name));

  return (
    <div className="pb-24" data-testid={invoice ? "page-invoice-edit" : "page-invoice-new"}>
      <PageHeader title={title} description={description} />
      <form onSubmit={submit} noValidate className="grid grid-cols-1 gap-4 lg:grid-cols-3 lg:items-start">
        <div className="grid min-w-0 gap-4 lg:col-span-2">
          <Card>
            <CardContent className="grid gap-4 p-4 sm:p-5">
              {!belowPaid && (
                <FormError message={formError(error, HEADER_FIELDS.concat(lines.flatMap((_, i) => ["description", "quantity", "unit_price", "tax_rate"].map((f) => `items.${i}.${f}`))))} />
              )}
              {locked && (
                <p className="flex gap-2 rounded-md border bg-muted/40 p-3 text-sm" data-testid="invoice-edit-locked">
                  <Info className="mt-0.5 size-4 shrink-0" aria-hidden />
                  <span>
                    {t("invoices.form.locked")}
                    {paidCents > 0n && <> {interpolate(t("invoices.form.paidSoFar"), { amount: formatMoney(invoice?.amount_paid, currency) })}</>}
                  </span>
                </p>
              )}
              <div className="grid gap-4 sm:grid-cols-[1fr_auto] sm:items-end">
                <Field label={t("invoices.form.customer")} error={err("customer")} required>
                  <Select value={customer} onChange={(e) => setCustomer(e.target.value)} disabled={locked} data-testid="invoice-customer">
                    <option value="">{customers.isPending ? t("word.loading") : t("invoices.form.chooseCustomer")}</option>
                    {customers.data?.results.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name}
                      </option>
                    ))}
                  </Select>
                </Field>
                {!locked && (
                  <Button variant="outline" onClick={() => setAddingCustomer(true)} data-testid="invoice-add-customer">
                    <UserPlus /> {t("btn.addCustomer")}
                  </Button>
                )}
              </div>
              <div className="grid gap-4 sm:grid-cols-3">
                <Field label={t("invoices.form.issueDate")} error={err("issue_date")} required>
                  <Input type="date" value={issueDate} onChange={(e) => setIssueDate(e.target.value)} disabled={locked} data-testid="invoice-issue-date" />
                </Field>
                <Field label={t("invoices.form.dueDate")} error={err("due_date")} required>
                  <Input type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} data-testid="invoice-due-date" />
                </Field>
                <Field label={t("invoices.form.number")} error={err("invoice_number")} hint={locked ? undefined : t("invoices.form.numberHint")}>
                  <Input value={invoiceNumber} onChange={(e) => setInvoiceNumber(e.target.value)} disabled={locked} data-testid="invoice-number" />
                </Field>
              </div>
            </CardContent>
          </Card>

          <Card>
            <CardHeader className="flex-row items-center justify-between">
              <CardTitle>{t("invoices.form.items")}</CardTitle>
              <Button variant="outline" size="sm" onClick={() => setLines((ls) => [...ls, newLine()])} data-testid="invoice-add-line">
                <Plus /> {t("btn.addLine")}
              </Button>
            </CardHeader>
            <CardContent className="grid gap-3">
              {err("items") && (
                <p className="text-sm text-destructive" role="alert" data-testid="invoice-items-error">
                  {err("items")}
                </p>
              )}
              {lines.map((line, i) => {
                const lt = totals.lines[i];
                const n = { n: i + 1 };
                return (
                  <fieldset key={line.key} className="grid gap-3 rounded-lg border p-3" data-testid="invoice-line">
                    <legend className="sr-only">{interpolate(t("invoices.form.line"), n)}</legend>
                    <div className="flex items-start gap-2">
                      <Field label={interpolate(t("invoices.form.item"), n)} error={err(`items.${i}.description`)} className="flex-1">
                        <Input value={line.description} onChange={(e) => update(line.key, { description: e.target.value })} placeholder={t("invoices.form.itemPlaceholder")} data-testid="line-description" />
                      </Field>
                      <Button
                        variant="ghost"
                        size="icon"
                        className="mt-6 shrink-0 text-muted-foreground"
                        onClick={() => setLines((ls) => (ls.length > 1 ? ls.filter((l) => l.key !== line.key) : ls))}
                        disabled={lines.length === 1}
                        aria-label={interpolate(t("invoices.form.removeItem"), n)}
                        data-testid="line-remove"
                      >
                        <Trash2 />
                      </Button>
                    </div>
                    <div className="grid grid-cols-3 gap-2 sm:grid-cols-4">
                      <Field label={t("invoices.form.qty")} error={err(`items.${i}.quantity`)}>
                        <Input inputMode="decimal" value={line.quantity} onChange={(e) => update(line.key, { quantity: e.target.value })} data-testid="line-quantity" />
                      </Field>
                      <Field label={t("invoices.form.unitPrice")} error={err(`items.${i}.unit_price`)}>
                        <Input inputMode="decimal" value={line.unit_price} onChange={(e) => update(line.key, { unit_price: e.target.value })} placeholder="0.00" data-testid="line-unit-price" />
                      </Field>
                      <Field label={t("invoices.form.vat")} error={err(`items.${i}.tax_rate`)}>
                        <Input inputMode="decimal" value={line.tax_rate} onChange={(e) => update(line.key, { tax_rate: e.target.value })} data-testid="line-tax-rate" />
                      </Field>
                      <div className="col-span-3 flex items-end justify-between gap-2 text-sm sm:col-span-1 sm:flex-col sm:items-end sm:justify-end">
                        <span className="text-muted-foreground sm:hidden">{t("invoices.form.lineTotal")}</span>
                        <span className="font-medium tabular" data-testid="line-total">
                          {lt?.valid ? formatMoney(centsToString(lt.amount), currency) : "—"}
                        </span>
                      </div>
                    </div>
                  </fieldset>
                );
              })}
            </CardContent>
          </Card>

          <Card>
            <CardContent className="p-4 sm:p-5">
              <Field label={t("invoices.form.notes")} error={err("notes")} hint={t("invoices.form.notesHint")}>
                <Textarea rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} data-testid="invoice-notes" />
              </Field>
            </CardContent>
          </Card>
        </div>

        <Card className="lg:sticky lg:top-8">
          <CardHeader>
            <CardTitle>{t("invoices.form.summary")}</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid gap-2 text-sm tabular">
              <div className="flex justify-between">
                <dt className="text-muted-foreground">{t("invoices.detail.subtotal")}</dt>
                <dd data-testid="invoice-subtotal">{formatMoney(totals.subtotal, currency)}</dd>
              </div>
              <div className="flex justify-between">
                <dt className="text-muted-foreground">{t("invoices.detail.vat")}</dt>
                <dd data-testid="invoice-tax">{formatMoney(totals.tax_amount, currency)}</dd>
              </div>
              <div className="flex justify-between border-t pt-2 text-base font-semibold">
                <dt>{t("word.total")}</dt>
                <dd data-testid="invoice-total">{formatMoney(totals.total, currency)}</dd>
              </div>
            </dl>
            {!totals.valid && <p className="mt-2 text-xs text-muted-foreground">{t("invoices.form.partialLines")}</p>}
            <div className="mt-4 grid gap-2">
              <Button type="submit" loading={saving} data-testid="invoice-save">
                {t("btn.save")}
              </Button>
              <Link to={cancelTo} className={buttonVariants({ variant: "outline" })}>
                {t("btn.cancel")}
              </Link>
            </div>
          </CardContent>
        </Card>
      </form>

      {addingCustomer && (
        <PartyForm
          kind="customer"
          open
          onClose={() => setAddingCustomer(false)}
          onSaved={(c) => {
            setCustomer(String(c.id));
          }}
        />
      )}
    </div>
  );
}
