import { CheckCircle2 } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { ApiError } from "@/lib/api";
import { fieldError, formError } from "@/lib/hooks";
import { useT } from "@/lib/i18n";
import { AuthLayout } from "@/features/auth/pages/AuthLayout";
import { useSession } from "@/stores/session";
import { api, queryClient } from "@/lib/client";
import { useConfirmPasswordReset } from "../api";

export default function ResetPassword() {
  const t = useT();
  const [params] = useSearchParams();
  const uid = params.get("uid") ?? "";
  const token = params.get("token") ?? "";
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const confirmReset = useConfirmPasswordReset();
  const authed = useSession((s) => s.authed);
  const signedOut = useSession((s) => s.signedOut);
  const invalid = !uid || !token || (confirmReset.error instanceof ApiError && confirmReset.error.code === "invalid_token");

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const differ = password !== confirm;
    setMismatch(differ);
    if (differ) return;
    confirmReset.mutate(
      { uid, token, new_password: password },
      {
        onSuccess: async () => {
          // Every session was signed out, this browser's included.
          if (authed) {
            await api.logout();
            signedOut();
            queryClient.clear();
          }
        },
      },
    );
  };

  return (
    <AuthLayout title={t("account.reset.title")} subtitle={confirmReset.isSuccess || invalid ? undefined : t("account.reset.subtitle")}>
      {confirmReset.isSuccess ? (
        <div className="grid gap-4">
          <div className="flex items-start gap-3 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900" role="status" data-testid="reset-done">
            <CheckCircle2 className="mt-0.5 size-5 shrink-0" aria-hidden />
            <p>{t("account.reset.done")}</p>
          </div>
          <Link to="/login" className="text-center font-medium text-primary hover:underline" data-testid="reset-sign-in">
            {t("account.reset.signIn")}
          </Link>
        </div>
      ) : invalid ? (
        <div className="grid gap-4">
          <p role="alert" className="rounded-md border border-destructive/30 bg-destructive/5 px-3 py-2 text-sm text-destructive" data-testid="reset-invalid">
            {t("account.reset.invalid")}
          </p>
          <Link to="/forgot-password" className="text-center font-medium text-primary hover:underline" data-testid="reset-again">
            {t("account.reset.again")}
          </Link>
        </div>
      ) : (
        <form onSubmit={submit} className="grid gap-4" noValidate>
          <FormError message={formError(confirmReset.error, ["new_password", "uid", "token"])} />
          <Field label={t("account.password.new")} error={fieldError(confirmReset.error, "new_password")}>
            <Input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="reset-password" required />
          </Field>
          <Field label={t("account.password.confirm")} error={mismatch ? t("account.password.mismatch") : undefined}>
            <Input type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} data-testid="reset-confirm" required />
          </Field>
          <Button type="submit" loading={confirmReset.isPending} disabled={!password || !confirm} className="w-full" data-testid="reset-submit">
            {t("account.reset.submit")}
          </Button>
        </form>
      )}
    </AuthLayout>
  );
}
