import { useState, type ChangeEvent } from "react";
import { FormDialog } from "@/components/FormDialog";
import { Field } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { fieldError } from "@/lib/hooks";
import { useSaveParty } from "../api";
import { useT } from "@/lib/i18n";
import type { Customer, Supplier } from "@/lib/types";

type Kind = "customer" | "supplier";

interface Props {
  kind: Kind;
  open: boolean;
  onClose: () => void;
  party?: (Customer & Partial<Supplier>) | null;
  onSaved?: (saved: Customer) => void;
}

/** Create or edit a customer (users/customers) or a supplier (finance/suppliers). */
export function PartyForm({ kind, open, onClose, party, onSaved }: Props) {
  const t = useT();
  const editing = !!party;
  const [form, setForm] = useState({
    name: party?.name ?? "",
    email: party?.email ?? "",
    phone: party?.phone ?? "",
    address: party?.address ?? "",
    tax_id: party?.tax_id ?? "",
    notes: party?.notes ?? "",
    category: party?.category ?? "",
    payment_terms_days: party?.payment_terms_days != null ? String(party.payment_terms_days) : "",
  });
  const set = (k: keyof typeof form) => (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setForm((f) => ({ ...f, [k]: e.target.value }));

  const save = useSaveParty(kind, party?.id, (saved) => {
    toast.success(t(`parties.${kind}.${editing ? "updated" : "added"}`));
    onSaved?.(saved);
    onClose();
  });
  const body = () => {
    const { category, payment_terms_days, ...common } = form;
    const out: Record<string, unknown> = { ...common };
    if (kind === "supplier") {
      out.category = category;
      out.payment_terms_days = payment_terms_days === "" ? null : Number(payment_terms_days);
    }
    return out;
  };

  const submit = () => save.mutate(body());
  const err = (k: string) => fieldError(save.error, k);

  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title={editing ? t(`parties.${kind}.edit`) : kind === "customer" ? t("btn.addCustomer") : t("btn.addSupplier")}
      testId={`${kind}-dialog`}
      onSubmit={submit}
      pending={save.isPending}
      error={save.error}
      fields={Object.keys(form)}
      submitTestId={`${kind}-save`}
    >
        <Field label={t("field.name")} error={err("name")} required>
          <Input value={form.name} onChange={set("name")} data-testid={`${kind}-name`} />
        </Field>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label={t("field.email")} error={err("email")}>
            <Input type="email" inputMode="email" value={form.email} onChange={set("email")} data-testid={`${kind}-email`} />
          </Field>
          <Field label={t("field.phone")} error={err("phone")}>
            <Input type="tel" inputMode="tel" value={form.phone} onChange={set("phone")} placeholder={t("field.phonePlaceholder")} data-testid={`${kind}-phone`} />
          </Field>
        </div>
        {kind === "supplier" && (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label={t("field.category")} error={err("category")}>
              <Input value={form.category} onChange={set("category")} placeholder={t("parties.categoryPlaceholder")} data-testid="supplier-category" />
            </Field>
            <Field label={t("parties.paymentTerms")} error={err("payment_terms_days")}>
              <Input inputMode="numeric" value={form.payment_terms_days} onChange={set("payment_terms_days")} data-testid="supplier-terms" />
            </Field>
          </div>
        )}
        <Field label={t("field.taxId")} error={err("tax_id")}>
          <Input value={form.tax_id} onChange={set("tax_id")} data-testid={`${kind}-tax-id`} />
        </Field>
        <Field label={t("field.address")} error={err("address")}>
          <Textarea rows={2} value={form.address} onChange={set("address")} />
        </Field>
        <Field label={t("field.notes")} error={err("notes")}>
          <Textarea rows={2} value={form.notes} onChange={set("notes")} />
        </Field>
    </FormDialog>
  );
}
