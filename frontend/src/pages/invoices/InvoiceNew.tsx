import { Plus, Trash2, UserPlus } from "lucide-react";
import { useMemo, useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate } from "react-router-dom";
import { PageHeader } from "@/components/common";
import { PartyForm } from "@/components/PartyForm";
import { Button, buttonVariants } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { api } from "@/lib/client";
import { fieldError, formError, useBizMutation, useCustomerOptions } from "@/lib/hooks";
import { useT } from "@/lib/i18n";
import { invoiceTotals } from "@/lib/invoiceMath";
import { centsToString, formatMoney, moneyToCents, normalizeMoney, parseDecimal } from "@/lib/money";
import { canWrite } from "@/lib/roles";
import type { Invoice } from "@/lib/types";
import { addDaysISO, todayISO } from "@/lib/utils";
import { useActiveBusiness, useRole } from "@/stores/session";

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

export default function InvoiceNew() {
  const t = useT();
  const role = useRole();
  const navigate = useNavigate();
  const business = useActiveBusiness();
  const currency = business?.currency || "KES";
  const customers = useCustomerOptions();
  const [customer, setCustomer] = useState("");
  const [invoiceNumber, setInvoiceNumber] = useState("");
  const [issueDate, setIssueDate] = useState(todayISO());
  const [dueDate, setDueDate] = useState(addDaysISO(todayISO(), 30));
  const [notes, setNotes] = useState("");
  const [lines, setLines] = useState<Line[]>(() => [newLine()]);
  const [addingCustomer, setAddingCustomer] = useState(false);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});

  const totals = useMemo(() => invoiceTotals(lines), [lines]);

  const create = useBizMutation(
    () =>
      api.post<Invoice>("finance/invoices/", {
        customer: customer ? Number(customer) : null,
        ...(invoiceNumber.trim() ? { invoice_number: invoiceNumber.trim() } : {}),
        issue_date: issueDate,
        due_date: dueDate,
        currency,
        notes,
        items: lines.map((l) => ({
          description: l.description.trim(),
          quantity: l.quantity.trim(),
          unit_price: normalizeMoney(l.unit_price) ?? l.unit_price,
          tax_rate: l.tax_rate.trim() || "0",
        })),
      }),
    (inv) => {
      toast.success(`Invoice ${inv.invoice_number || ""} created.`.replace("  ", " "));
      navigate(`/invoices/${inv.id}`, { replace: true });
    },
  );

  if (!canWrite(role)) return <Navigate to="/invoices" replace />;

  const update = (key: number, patch: Partial<Line>) => setLines((ls) => ls.map((l) => (l.key === key ? { ...l, ...patch } : l)));

  const validate = () => {
    const errors: Record<string, string> = {};
    if (!customer) errors.customer = "Choose the customer to bill.";
    if (dueDate && issueDate && dueDate < issueDate) errors.due_date = "The due date can't be before the issue date.";
    lines.forEach((l, i) => {
      if (!l.description.trim()) errors[`items.${i}.description`] = "Describe the item.";
      const q = parseDecimal(l.quantity);
      if (!q || q.n <= 0n) errors[`items.${i}.quantity`] = "Enter a quantity above zero.";
      const p = moneyToCents(l.unit_price);
      if (p === null || p < 0n) errors[`items.${i}.unit_price`] = "Enter a price such as 1500.00.";
      if (l.tax_rate.trim() && !parseDecimal(l.tax_rate)) errors[`items.${i}.tax_rate`] = "Enter a percentage.";
    });
    setLocalErrors(errors);
    return Object.keys(errors).length === 0;
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (validate()) create.mutate(undefined);
  };

  const err = (name: string) => localErrors[name] ?? fieldError(create.error, name);

  return (
    <div data-testid="page-invoice-new">
      <PageHeader title={t("btn.newInvoice")} description="Totals are worked out exactly as the invoice will show them." />
      <form onSubmit={submit} noValidate className="grid grid-cols-1 gap-4 lg:grid-cols-3 lg:items-start">
        <div className="grid min-w-0 gap-4 lg:col-span-2">
          <Card>
            <CardContent className="grid gap-4 p-4 sm:p-5">
              <FormError message={formError(create.error, HEADER_FIELDS.concat(lines.flatMap((_, i) => ["description", "quantity", "unit_price", "tax_rate"].map((f) => `items.${i}.${f}`))))} />
              <div className="grid gap-4 sm:grid-cols-[1fr_auto] sm:items-end">
                <Field label="Customer" error={err("customer")} required>
                  <Select value={customer} onChange={(e) => setCustomer(e.target.value)} data-testid="invoice-customer">
                    <option value="">{customers.isPending ? t("word.loading") : "Choose a customer…"}</option>
                    {customers.data?.results.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name}
                      </option>
                    ))}
                  </Select>
                </Field>
                <Button variant="outline" onClick={() => setAddingCustomer(true)} data-testid="invoice-add-customer">
                  <UserPlus /> {t("btn.addCustomer")}
                </Button>
              </div>
              <div className="grid gap-4 sm:grid-cols-3">
                <Field label="Issue date" error={err("issue_date")} required>
                  <Input type="date" value={issueDate} onChange={(e) => setIssueDate(e.target.value)} data-testid="invoice-issue-date" />
                </Field>
                <Field label="Due date" error={err("due_date")} required>
                  <Input type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} data-testid="invoice-due-date" />
                </Field>
                <Field label="Invoice number" error={err("invoice_number")} hint="Leave blank to number it automatically.">
                  <Input value={invoiceNumber} onChange={(e) => setInvoiceNumber(e.target.value)} data-testid="invoice-number" />
                </Field>
              </div>
            </CardContent>
          </Card>

          <Card>
            <CardHeader className="flex-row items-center justify-between">
              <CardTitle>Items</CardTitle>
              <Button variant="outline" size="sm" onClick={() => setLines((ls) => [...ls, newLine()])} data-testid="invoice-add-line">
                <Plus /> {t("btn.addLine")}
              </Button>
            </CardHeader>
            <CardContent className="grid gap-3">
              {err("items") && <p className="text-sm text-destructive">{err("items")}</p>}
              {lines.map((line, i) => {
                const lt = totals.lines[i];
                return (
                  <fieldset key={line.key} className="grid gap-3 rounded-lg border p-3" data-testid="invoice-line">
                    <legend className="sr-only">Line {i + 1}</legend>
                    <div className="flex items-start gap-2">
                      <Field label={`Item ${i + 1}`} error={err(`items.${i}.description`)} className="flex-1">
                        <Input value={line.description} onChange={(e) => update(line.key, { description: e.target.value })} placeholder="What you sold" data-testid="line-description" />
                      </Field>
                      <Button
                        variant="ghost"
                        size="icon"
                        className="mt-6 shrink-0 text-muted-foreground"
                        onClick={() => setLines((ls) => (ls.length > 1 ? ls.filter((l) => l.key !== line.key) : ls))}
                        disabled={lines.length === 1}
                        aria-label={`Remove item ${i + 1}`}
                        data-testid="line-remove"
                      >
                        <Trash2 />
                      </Button>
                    </div>
                    <div className="grid grid-cols-3 gap-2 sm:grid-cols-4">
                      <Field label="Qty" error={err(`items.${i}.quantity`)}>
                        <Input inputMode="decimal" value={line.quantity} onChange={(e) => update(line.key, { quantity: e.target.value })} data-testid="line-quantity" />
                      </Field>
                      <Field label="Unit price" error={err(`items.${i}.unit_price`)}>
                        <Input inputMode="decimal" value={line.unit_price} onChange={(e) => update(line.key, { unit_price: e.target.value })} placeholder="0.00" data-testid="line-unit-price" />
                      </Field>
                      <Field label="VAT %" error={err(`items.${i}.tax_rate`)}>
                        <Input inputMode="decimal" value={line.tax_rate} onChange={(e) => update(line.key, { tax_rate: e.target.value })} data-testid="line-tax-rate" />
                      </Field>
                      <div className="col-span-3 flex items-end justify-between gap-2 text-sm sm:col-span-1 sm:flex-col sm:items-end sm:justify-end">
                        <span className="text-muted-foreground sm:hidden">Line total</span>
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
              <Field label="Notes" error={err("notes")} hint="Payment details such as your M-Pesa till or paybill number.">
                <Textarea rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} data-testid="invoice-notes" />
              </Field>
            </CardContent>
          </Card>
        </div>

        <Card className="lg:sticky lg:top-8">
          <CardHeader>
            <CardTitle>Summary</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid gap-2 text-sm tabular">
              <div className="flex justify-between">
                <dt className="text-muted-foreground">Subtotal</dt>
                <dd data-testid="invoice-subtotal">{formatMoney(totals.subtotal, currency)}</dd>
              </div>
              <div className="flex justify-between">
                <dt className="text-muted-foreground">VAT</dt>
                <dd data-testid="invoice-tax">{formatMoney(totals.tax_amount, currency)}</dd>
              </div>
              <div className="flex justify-between border-t pt-2 text-base font-semibold">
                <dt>{t("word.total")}</dt>
                <dd data-testid="invoice-total">{formatMoney(totals.total, currency)}</dd>
              </div>
            </dl>
            {!totals.valid && <p className="mt-2 text-xs text-muted-foreground">Lines with a missing quantity or price count as zero.</p>}
            <div className="mt-4 grid gap-2">
              <Button type="submit" loading={create.isPending} data-testid="invoice-save">
                {t("btn.save")}
              </Button>
              <Link to="/invoices" className={buttonVariants({ variant: "outline" })}>
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
