import { CloudOff, Paperclip } from "lucide-react";
import { useState, type ChangeEvent } from "react";
import { FormDialog } from "@/components/FormDialog";
import { Field } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/api";
import { fieldError, useCustomerOptions, useSupplierOptions } from "@/lib/hooks";
import { useT } from "@/lib/i18n";
import { moneyToCents, normalizeMoney } from "@/lib/money";
import { CATEGORY_SUGGESTIONS, PAYMENT_METHODS, TRANSACTION_STATUSES, TRANSACTION_TYPES } from "@/lib/options";
import { openReceipt } from "@/lib/receipts";
import type { Transaction } from "@/lib/types";
import { todayISO } from "@/lib/utils";
import { useOnline } from "@/features/offline/hooks";
import { useCreateTransaction, useUpdateTransaction, type TransactionBody } from "../api";

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

  const online = useOnline();
  const create = useCreateTransaction();
  const update = useUpdateTransaction(transaction?.id);
  const save = editing ? update : create;

  const body = (): TransactionBody => {
    const amount = normalizeMoney(form.amount) ?? form.amount;
    const data: Record<string, string | null> = {
      ...form,
      amount,
      customer: form.customer || null,
      supplier: form.supplier || null,
    };
    // The server keeps a time of day; only send the date when it was changed.
    if (editing && transaction!.transaction_date?.slice(0, 10) === form.transaction_date) delete data.transaction_date;
    if (receipt) {
      // A blank relation clears it on edit; on create it is simply left out.
      const fields = Object.entries(data)
        .filter(([, v]) => v !== null || editing)
        .map(([k, v]): [string, string] => [k, v ?? ""]);
      return { form: { fields, file: receipt, fileName: receipt.name, fileField: "receipt" } };
    }
    return { json: data };
  };

  const onSaved = (queued: boolean) => {
    toast.success(queued ? t("transactions.toast.queued") : editing ? t("transactions.toast.updated") : t("transactions.toast.added"));
    onClose();
  };

  const onReceipt = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0] ?? null;
    const errors = { ...localErrors };
    delete errors.receipt;
    if (file && !RECEIPT_TYPES.includes(file.type)) errors.receipt = t("transactions.form.receiptType");
    else if (file && file.size > MAX_RECEIPT) errors.receipt = t("transactions.form.receiptSize");
    setLocalErrors(errors);
    setReceipt(file && !errors.receipt ? file : null);
  };

  const submit = () => {
    const errors: Record<string, string> = {};
    const cents = moneyToCents(form.amount);
    if (cents === null) errors.amount = t("transactions.form.amountInvalid");
    else if (cents <= 0n) errors.amount = t("transactions.form.amountPositive");
    if (!form.transaction_date) errors.transaction_date = t("transactions.form.dateRequired");
    if (localErrors.receipt) errors.receipt = localErrors.receipt;
    setLocalErrors(errors);
    if (Object.keys(errors).length > 0) return;
    if (editing) update.mutate(body(), { onSuccess: () => onSaved(false) });
    else create.mutate(body(), { onSuccess: (outcome) => onSaved(outcome.queued) });
  };

  const err = (name: string) => localErrors[name] ?? fieldError(save.error, name);
  const hasReceipt = !!transaction && !!(transaction.receipt_url ?? transaction.receipt);

  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title={editing ? t("transactions.form.editTitle") : t("btn.newTransaction")}
      testId="transaction-dialog"
      onSubmit={submit}
      pending={save.isPending}
      error={save.error}
      fields={FIELDS}
      submitDisabled={editing && !online}
      submitTestId="transaction-save"
    >
        {!online && (
          <p role="status" className="flex items-start gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950" data-testid="tx-offline-note">
            <CloudOff className="mt-0.5 size-4 shrink-0" aria-hidden />
            {editing ? t("transactions.form.editOffline") : t("transactions.form.offlineNote")}
          </p>
        )}
        <div className="grid grid-cols-2 gap-4">
          <Field label={t("transactions.form.type")} error={err("transaction_type")}>
            <Select value={form.transaction_type} onChange={set("transaction_type")} data-testid="tx-type">
              {TRANSACTION_TYPES.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t("transactions.form.amount")} error={err("amount")} required>
            <Input inputMode="decimal" value={form.amount} onChange={set("amount")} placeholder="0.00" data-testid="tx-amount" autoComplete="off" />
          </Field>
        </div>
        <div className="grid grid-cols-2 gap-4">
          <Field label={t("transactions.form.date")} error={err("transaction_date")} required>
            <Input type="date" value={form.transaction_date} onChange={set("transaction_date")} data-testid="tx-date" />
          </Field>
          <Field label={t("transactions.form.method")} error={err("payment_method")}>
            <Select value={form.payment_method} onChange={set("payment_method")} data-testid="tx-method">
              {PAYMENT_METHODS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <Field label={t("transactions.form.category")} error={err("category")}>
          <Input value={form.category} onChange={set("category")} list="tx-categories" placeholder={t("transactions.form.categoryPlaceholder")} data-testid="tx-category" />
        </Field>
        <datalist id="tx-categories">
          {CATEGORY_SUGGESTIONS.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <Field label={t("transactions.form.description")} error={err("description")}>
          <Textarea value={form.description} onChange={set("description")} rows={2} data-testid="tx-description" />
        </Field>
        <div className="grid grid-cols-2 gap-4">
          {form.transaction_type !== "expense" ? (
            <Field label={t("transactions.form.customer")} error={err("customer")}>
              <Select value={form.customer} onChange={set("customer")} data-testid="tx-customer">
                <option value="">{t("transactions.form.none")}</option>
                {customers.data?.results.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </Select>
            </Field>
          ) : (
            <Field label={t("transactions.form.supplier")} error={err("supplier")}>
              <Select value={form.supplier} onChange={set("supplier")} data-testid="tx-supplier">
                <option value="">{t("transactions.form.none")}</option>
                {suppliers.data?.results.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </Select>
            </Field>
          )}
          <Field label={t("transactions.form.status")} error={err("status")}>
            <Select value={form.status} onChange={set("status")} data-testid="tx-status">
              {TRANSACTION_STATUSES.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <Field label={t("transactions.form.reference")} error={err("reference_number")} hint={t("transactions.form.referenceHint")}>
          <Input value={form.reference_number} onChange={set("reference_number")} data-testid="tx-reference" autoComplete="off" />
        </Field>
        <Field label={t("transactions.form.receipt")} error={err("receipt")} hint={t("transactions.form.receiptHint")}>
          <Input type="file" accept="application/pdf,image/jpeg,image/png" onChange={onReceipt} data-testid="tx-receipt" />
        </Field>
        {hasReceipt && !receipt && (
          <button
            type="button"
            onClick={() => openReceipt(transaction!).catch((e: unknown) => toast.error(errorMessage(e)))}
            className="inline-flex items-center gap-1 justify-self-start text-sm text-primary hover:underline"
            data-testid="tx-current-receipt"
          >
            <Paperclip className="size-4" aria-hidden /> {t("transactions.form.currentReceipt")}
          </button>
        )}
    </FormDialog>
  );
}
