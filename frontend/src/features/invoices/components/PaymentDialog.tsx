import { useState } from "react";
import { FormDialog } from "@/components/FormDialog";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { fieldError } from "@/lib/hooks";
import { interpolate, useT } from "@/lib/i18n";
import { formatMoney, moneyToCents, normalizeMoney } from "@/lib/money";
import { PAYMENT_METHODS } from "@/lib/options";
import type { Invoice } from "@/lib/types";
import { todayISO } from "@/lib/utils";
import { useMarkInvoicePaid } from "../api";

/** Records a payment received for an invoice (cash, bank, M-Pesa paid outside KAVI...). */
export function PaymentDialog({ invoice, onClose }: { invoice: Invoice; onClose: () => void }) {
  const t = useT();
  const [amount, setAmount] = useState(invoice.balance_due);
  const [paidDate, setPaidDate] = useState(todayISO());
  const [method, setMethod] = useState("mpesa");
  const [reference, setReference] = useState("");
  const [localError, setLocalError] = useState<string | undefined>();

  const pay = useMarkInvoicePaid(invoice.id, () => {
    toast.success(t("invoices.payment.recorded"));
    onClose();
  });

  const submit = () => {
    const cents = moneyToCents(amount);
    const due = moneyToCents(invoice.balance_due) ?? 0n;
    if (cents === null || cents <= 0n) return setLocalError(t("invoices.payment.amountMissing"));
    if (cents > due) return setLocalError(interpolate(t("invoices.payment.amountTooHigh"), { amount: formatMoney(invoice.balance_due, invoice.currency) }));
    setLocalError(undefined);
    pay.mutate({
      amount: normalizeMoney(amount) ?? amount,
      paid_date: paidDate,
      payment_method: method,
      ...(reference.trim() ? { reference: reference.trim() } : {}),
    });
  };

  return (
    <FormDialog
      onClose={onClose}
      title={t("btn.recordPayment")}
      description={interpolate(t("invoices.payment.intro"), { amount: formatMoney(invoice.balance_due, invoice.currency) })}
      testId="payment-dialog"
      onSubmit={submit}
      pending={pay.isPending}
      error={pay.error}
      fields={["amount", "paid_date", "payment_method", "reference"]}
      submitLabel={t("btn.recordPayment")}
      submitTestId="payment-save"
    >
        <Field label={t("invoices.payment.amount")} error={localError ?? fieldError(pay.error, "amount")} required>
          <Input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} data-testid="payment-amount" />
        </Field>
        <div className="grid grid-cols-2 gap-4">
          <Field label={t("invoices.payment.date")} error={fieldError(pay.error, "paid_date")}>
            <Input type="date" value={paidDate} onChange={(e) => setPaidDate(e.target.value)} data-testid="payment-date" />
          </Field>
          <Field label={t("invoices.payment.method")} error={fieldError(pay.error, "payment_method")}>
            <Select value={method} onChange={(e) => setMethod(e.target.value)} data-testid="payment-method">
              {PAYMENT_METHODS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <Field label={t("invoices.payment.reference")} error={fieldError(pay.error, "reference")} hint={t("invoices.payment.referenceHint")}>
          <Input value={reference} onChange={(e) => setReference(e.target.value)} data-testid="payment-reference" />
        </Field>
    </FormDialog>
  );
}
