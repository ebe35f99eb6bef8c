import { CheckCircle2, Clock, Loader2, XCircle } from "lucide-react";
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { ApiError } from "@/lib/api";
import { invalidateBusiness } from "@/lib/client";
import { fieldError, formError, useCustomerOptions } from "@/lib/hooks";
import { interpolate, useT } from "@/lib/i18n";
import { checkStkAmount, defaultStkAmount, formatPhone, isFinalStatus, normalisePhone, POLL_LIMIT_MS } from "@/lib/mpesa";
import { formatMoney } from "@/lib/money";
import { canAdmin } from "@/lib/roles";
import type { Invoice, MpesaStkRequest } from "@/lib/types";
import { useRole } from "@/stores/session";
import { useStkPush, useStkRequest } from "../api";
import { StkStatusBadge } from "./StkStatusBadge";

const FIELDS = ["phone", "amount", "invoice"];

/** Where a sent request stands while the customer answers the prompt on their phone. */
function RequestProgress({ request, timedOut }: { request: MpesaStkRequest; timedOut: boolean }) {
  const t = useT();
  const status = request.status;
  if (status === "success") {
    return (
      <div className="flex items-start gap-3 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900" role="status" data-testid="mpesa-result" data-status={status}>
        <CheckCircle2 className="mt-0.5 size-5 shrink-0" aria-hidden />
        <p>{interpolate(t("mpesa.paid"), { receipt: request.mpesa_receipt || "—" })}</p>
      </div>
    );
  }
  if (status === "failed" || status === "cancelled") {
    return (
      <div className="flex items-start gap-3 rounded-md border border-destructive/30 bg-destructive/5 p-3 text-sm text-destructive" role="alert" data-testid="mpesa-result" data-status={status}>
        <XCircle className="mt-0.5 size-5 shrink-0" aria-hidden />
        <div>
          <p className="font-medium">{t(status === "failed" ? "mpesa.failed" : "mpesa.cancelled")}</p>
          {request.result_desc && <p className="mt-0.5">{request.result_desc}</p>}
        </div>
      </div>
    );
  }
  if (timedOut) {
    return (
      <div className="flex items-start gap-3 rounded-md border bg-muted/50 p-3 text-sm" role="status" data-testid="mpesa-result" data-status="timeout">
        <Clock className="mt-0.5 size-5 shrink-0 text-muted-foreground" aria-hidden />
        <p>{t("mpesa.timedOut")}</p>
      </div>
    );
  }
  return (
    <div className="flex items-start gap-3 rounded-md border bg-accent/50 p-3 text-sm" role="status" aria-live="polite" data-testid="mpesa-pending">
      <Loader2 className="mt-0.5 size-5 shrink-0 animate-spin text-primary" aria-hidden />
      <div>
        <p className="font-medium">{t("mpesa.waiting")}</p>
        <p className="mt-0.5 text-muted-foreground">{interpolate(t("mpesa.waitingHint"), { phone: formatPhone(request.phone) })}</p>
      </div>
    </div>
  );
}

/** Sends an STK push for an invoice, then polls the request until it is paid, fails or times out. */
export function StkRequestDialog({ invoice, onClose }: { invoice: Invoice; onClose: () => void }) {
  const t = useT();
  const role = useRole();
  const customers = useCustomerOptions();
  const customerPhone = useMemo(
    () => customers.data?.results.find((c) => c.id === invoice.customer)?.phone ?? "",
    [customers.data, invoice.customer],
  );
  const [phone, setPhone] = useState("");
  const phoneTouched = useRef(false);
  const [amount, setAmount] = useState(() => defaultStkAmount(invoice.balance_due));
  const [localErrors, setLocalErrors] = useState<{ phone?: string; amount?: string }>({});
  const [sent, setSent] = useState<{ request: MpesaStkRequest; startedAt: number } | null>(null);
  const [timedOut, setTimedOut] = useState(false);
  const balance = formatMoney(invoice.balance_due, invoice.currency);

  // Prefill the customer's number once it loads, unless someone already typed one.
  useEffect(() => {
    if (customerPhone && !phoneTouched.current) setPhone(customerPhone);
  }, [customerPhone]);

  const push = useStkPush();
  const poll = useStkRequest(sent?.request.id ?? null, { initial: sent?.request, startedAt: sent?.startedAt ?? 0, stopped: timedOut });
  const current = poll.data ?? sent?.request;
  const status = current?.status;

  useEffect(() => {
    if (!sent) return;
    const timer = setTimeout(() => setTimedOut(true), Math.max(POLL_LIMIT_MS - (Date.now() - sent.startedAt), 0));
    return () => clearTimeout(timer);
  }, [sent]);

  useEffect(() => {
    if (status === "success") {
      toast.success(t("mpesa.paidToast"));
      void invalidateBusiness();
    }
    // Once per change of status: `t` is a new function on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors: { phone?: string; amount?: string } = {};
    const normalised = normalisePhone(phone);
    if (!normalised) errors.phone = t("mpesa.phoneInvalid");
    const checked = checkStkAmount(amount, invoice.balance_due);
    if ("problem" in checked) {
      errors.amount =
        checked.problem === "whole" ? t("mpesa.amountWhole") : checked.problem === "tooLarge" ? interpolate(t("mpesa.amountTooLarge"), { balance }) : t("mpesa.amountInvalid");
    }
    setLocalErrors(errors);
    if (!normalised || "problem" in checked) return;
    push.mutate(
      { invoice: invoice.id, phone: normalised, amount: checked.amount },
      { onSuccess: (request) => setSent({ request, startedAt: Date.now() }) },
    );
  };

  const again = () => {
    setSent(null);
    setTimedOut(false);
    push.reset();
  };

  const error = push.error;
  const notConfigured = error instanceof ApiError && error.code === "mpesa_not_configured";
  const message = formError(error, FIELDS);
  const finished = current ? isFinalStatus(status) || timedOut : false;

  return (
    <Dialog
      open
      onClose={onClose}
      title={t("mpesa.requestTitle")}
      description={interpolate(t("mpesa.requestHelp"), { amount: balance, invoice: invoice.invoice_number || `#${invoice.id}` })}
      testId="mpesa-dialog"
      footer={
        current ? (
          <>
            {finished && status !== "success" && (
              <Button variant="outline" onClick={again} data-testid="mpesa-again">
                {t("mpesa.tryAgain")}
              </Button>
            )}
            <Button variant={finished ? "default" : "outline"} onClick={onClose} data-testid="mpesa-close">
              {t("btn.close")}
            </Button>
          </>
        ) : (
          <>
            <Button variant="outline" onClick={onClose}>
              {t("btn.cancel")}
            </Button>
            <Button type="submit" form="mpesa-form" loading={push.isPending} data-testid="mpesa-submit">
              {t("mpesa.send")}
            </Button>
          </>
        )
      }
    >
      {current ? (
        <div className="grid gap-3">
          <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
            <span className="tabular">
              {formatMoney(current.amount, "KES")} · {formatPhone(current.phone)}
            </span>
            <StkStatusBadge status={status} testId="mpesa-status" />
          </div>
          <RequestProgress request={current} timedOut={timedOut} />
        </div>
      ) : (
        <form id="mpesa-form" onSubmit={submit} className="grid gap-4" noValidate>
          {(message || notConfigured) && (
            <div className="grid gap-2" data-testid="mpesa-error" data-code={error instanceof ApiError ? error.code : undefined}>
              <FormError message={message} />
              {notConfigured &&
                (canAdmin(role) ? (
                  <Link to="/settings/mpesa" className="text-sm font-medium text-primary underline-offset-4 hover:underline" data-testid="mpesa-settings-link">
                    {t("mpesa.notConfigured")}
                  </Link>
                ) : (
                  <p className="text-sm text-muted-foreground">{t("mpesa.askAdmin")}</p>
                ))}
            </div>
          )}
          <Field label={t("mpesa.phone")} error={localErrors.phone ?? fieldError(error, "phone")} hint={t("mpesa.phoneHint")} required>
            <Input
              type="tel"
              inputMode="tel"
              autoComplete="off"
              value={phone}
              onChange={(e) => {
                phoneTouched.current = true;
                setPhone(e.target.value);
              }}
              placeholder="0712 345 678"
              data-testid="mpesa-phone"
            />
          </Field>
          <Field
            label={t("mpesa.amount")}
            error={localErrors.amount ?? fieldError(error, "amount") ?? fieldError(error, "invoice")}
            hint={interpolate(t("mpesa.amountHint"), { balance })}
            required
          >
            <Input inputMode="numeric" value={amount} onChange={(e) => setAmount(e.target.value)} data-testid="mpesa-amount" />
          </Field>
        </form>
      )}
    </Dialog>
  );
}
