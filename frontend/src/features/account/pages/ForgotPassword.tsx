import { MailCheck } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { fieldError, formError } from "@/lib/hooks";
import { interpolate, useT } from "@/lib/i18n";
import { AuthLayout } from "@/features/auth/pages/AuthLayout";
import { useRequestPasswordReset } from "../api";

export default function ForgotPassword() {
  const t = useT();
  const [email, setEmail] = useState("");
  const [sentTo, setSentTo] = useState<string | null>(null);
  const request = useRequestPasswordReset();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const address = email.trim();
    request.mutate(address, { onSuccess: () => setSentTo(address) });
  };
  return (
    <AuthLayout
      title={t("account.forgot.title")}
      subtitle={sentTo ? undefined : t("account.forgot.subtitle")}
      footer={
        <Link to="/login" className="font-medium text-primary hover:underline" data-testid="forgot-back">
          {t("account.forgot.back")}
        </Link>
      }
    >
      {sentTo ? (
        <div className="flex items-start gap-3 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900" role="status" data-testid="forgot-sent">
          <MailCheck className="mt-0.5 size-5 shrink-0" aria-hidden />
          <p>{interpolate(t("account.forgot.sent"), { email: sentTo })}</p>
        </div>
      ) : (
        <form onSubmit={submit} className="grid gap-4" noValidate>
          <FormError message={formError(request.error, ["email"])} />
          <Field label={t("field.email")} error={fieldError(request.error, "email")}>
            <Input type="email" autoComplete="email" inputMode="email" value={email} onChange={(e) => setEmail(e.target.value)} data-testid="forgot-email" required />
          </Field>
          <Button type="submit" loading={request.isPending} disabled={!email.trim()} className="w-full" data-testid="forgot-submit">
            {t("account.forgot.submit")}
          </Button>
        </form>
      )}
    </AuthLayout>
  );
}
