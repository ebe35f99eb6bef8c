import { Paperclip } from "lucide-react";
import { useState, type ChangeEvent, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/api";
import { api } from "@/lib/client";
import { fieldError, formError, useBizMutation, useCustomerOptions, useSupplierOptions } from "@/lib/hooks";
import { useT } from "@/lib/i18n";
import { moneyToCents, normalizeMoney } from "@/lib/money";
import { CATEGORY_SUGGESTIONS, PAYMENT_METHODS, TRANSACTION_STATUSES, TRANSACTION_TYPES } from "@/lib/options";
import { openReceipt } from "@/lib/receipts";
import type { Transaction } from "@/lib/types";
import { todayISO } from "@/lib/utils";

const FIELDS = ["transaction_type", "amount", "category", "description", "payment_method", "transaction_date", "reference_number", "status", "customer", "supplier", "receipt", "currency"];
const MAX_RECEIPT = 10 * 1024 * 1024;
const RECEIPT_TYPES = ["application/pdf", "image/jpeg", "image/png"];

interface FormState {
  transaction_type: string;
  amount: string;
  category: string;
  description: string;
  payment_method: string;
  transaction_date: string;
  reference_number: string;
  status: string;
  customer: string;
  supplier: string;
}

function initial(tx?: Transaction | null): FormState {
  return {
    transaction_type: tx?.transaction_type ?? "income",
    amount: tx?.amount ?? "",
    category: tx?.category ?? "",
    description: tx?.description ?? "",
    payment_method: tx?.payment_method ?? "mpesa",
    transaction_date: tx?.transaction_date ? tx.transaction_date.slice(0, 10) : todayISO(),
    reference_number: tx?.reference_number ?? "",
    status: tx?.status ?? "completed",
    customer: tx?.customer ? String(tx.customer) : "",
    supplier: tx?.supplier ? String(tx.supplier) : "",
  };
}

export function TransactionForm({ open, onClose, transaction }: { open: boolean; onClose: () => void; transaction?: Transaction | null }) {
  const t = useT();
  const editing = !!transaction;
  const [form, setForm] = useState<FormState>(() => initial(transaction));
  const [receipt, setReceipt] = useState<File | null>(null);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const customers = useCustomerOptions();
  const suppliers = useSupplierOptions();
  const set = (k: keyof FormState) => (e: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => setForm((f) => ({ ...f, [k]: e.target.value }));

  const save = useBizMutation(
    async () => {
      const amount = normalizeMoney(form.amount) ?? form.amount;
      const data: Record<string, string | null> = {
        ...form,
        amount,
        customer: form.customer || null,
        supplier: form.supplier || null,
      };
      // The server keeps a time of day; only send the date when it was changed.
      if (editing && transaction!.transaction_date?.slice(0, 10) === form.transaction_date) delete data.transaction_date;
      const path = editing ? `finance/transactions/${transaction!.id}/` : "finance/transactions/";
      const method = editing ? "PATCH" : "POST";
      if (receipt) {
        const fd = new FormData();
        // A blank relation clears it on edit; on create it is simply left out.
        for (const [k, v] of Object.entries(data)) if (v !== null || editing) fd.append(k, v ?? "");
        fd.append("receipt", receipt);
        return api.request<Transaction>(path, { method, form: fd });
      }
      return api.request<Transaction>(path, { method, json: data });
    },
    () => {
      toast.success(editing ? "Transaction updated." : "Transaction added.");
      onClose();
    },
  );

  const onReceipt = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0] ?? null;
    const errors = { ...localErrors };
    delete errors.receipt;
    if (file && !RECEIPT_TYPES.includes(file.type)) errors.receipt = "Attach a PDF, JPEG or PNG.";
    else if (file && file.size > MAX_RECEIPT) errors.receipt = "The receipt must be 10 MB or smaller.";
    setLocalErrors(errors);
    setReceipt(file && !errors.receipt ? file : null);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    const cents = moneyToCents(form.amount);
    if (cents === null) errors.amount = "Enter an amount such as 1250.00.";
    else if (cents <= 0n) errors.amount = "The amount must be more than zero; the type gives the direction.";
    if (!form.transaction_date) errors.transaction_date = "Choose a date.";
    if (localErrors.receipt) errors.receipt = localErrors.receipt;
    setLocalErrors(errors);
    if (Object.keys(errors).length === 0) save.mutate(undefined);
  };

  const err = (name: string) => localErrors[name] ?? fieldError(save.error, name);
  const hasReceipt = !!transaction && !!(transaction.receipt_url ?? transaction.receipt);

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={editing ? "Edit transaction" : t("btn.newTransaction")}
      testId="transaction-dialog"
      closeLabel={t("btn.close")}
      footer={
        <>
          <Button variant="outline" onClick={onClose}>
            {t("btn.cancel")}
          </Button>
          <Button type="submit" form="transaction-form" loading={save.isPending} data-testid="transaction-save">
            {t("btn.save")}
          </Button>
        </>
      }
    >
      <form id="transaction-form" onSubmit={submit} className="grid gap-4" noValidate>
        <FormError message={formError(save.error, FIELDS)} />
        <div className="grid grid-cols-2 gap-4">
          <Field label="Type" error={err("transaction_type")}>
            <Select value={form.transaction_type} onChange={set("transaction_type")} data-testid="tx-type">
              {TRANSACTION_TYPES.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Amount (KES)" error={err("amount")} required>
            <Input inputMode="decimal" value={form.amount} onChange={set("amount")} placeholder="0.00" data-testid="tx-amount" autoComplete="off" />
          </Field>
        </div>
        <div className="grid grid-cols-2 gap-4">
          <Field label="Date" error={err("transaction_date")} required>
            <Input type="date" value={form.transaction_date} onChange={set("transaction_date")} data-testid="tx-date" />
          </Field>
          <Field label="Payment method" error={err("payment_method")}>
            <Select value={form.payment_method} onChange={set("payment_method")} data-testid="tx-method">
              {PAYMENT_METHODS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <Field label="Category" error={err("category")}>
          <Input value={form.category} onChange={set("category")} list="tx-categories" placeholder="e.g. Sales, Rent, Stock purchases" data-testid="tx-category" />
        </Field>
        <datalist id="tx-categories">
          {CATEGORY_SUGGESTIONS.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <Field label="Description" error={err("description")}>
          <Textarea value={form.description} onChange={set("description")} rows={2} data-testid="tx-description" />
        </Field>
        <div className="grid grid-cols-2 gap-4">
          {form.transaction_type !== "expense" ? (
            <Field label="Customer" error={err("customer")}>
              <Select value={form.customer} onChange={set("customer")} data-testid="tx-customer">
                <option value="">None</option>
                {customers.data?.results.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </Select>
            </Field>
          ) : (
            <Field label="Supplier" error={err("supplier")}>
              <Select value={form.supplier} onChange={set("supplier")} data-testid="tx-supplier">
                <option value="">None</option>
                {suppliers.data?.results.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </Select>
            </Field>
          )}
          <Field label="Status" error={err("status")}>
            <Select value={form.status} onChange={set("status")} data-testid="tx-status">
              {TRANSACTION_STATUSES.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <Field label="Reference" error={err("reference_number")} hint="M-Pesa code, cheque or bank reference.">
          <Input value={form.reference_number} onChange={set("reference_number")} data-testid="tx-reference" autoComplete="off" />
        </Field>
        <Field label="Receipt" error={err("receipt")} hint="PDF, JPEG or PNG, up to 10 MB.">
          <Input type="file" accept="application/pdf,image/jpeg,image/png" onChange={onReceipt} data-testid="tx-receipt" />
        </Field>
        {hasReceipt && !receipt && (
          <button
            type="button"
            onClick={() => openReceipt(transaction!).catch((e: unknown) => toast.error(errorMessage(e)))}
            className="inline-flex items-center gap-1 justify-self-start text-sm text-primary hover:underline"
            data-testid="tx-current-receipt"
          >
            <Paperclip className="size-4" /> Current receipt
          </button>
        )}
      </form>
    </Dialog>
  );
}
