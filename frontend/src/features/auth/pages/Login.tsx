import { Info } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router-dom";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { queryClient } from "@/lib/client";
import { useLogin } from "../api";
import { fieldError, formError } from "@/lib/hooks";
import { useT } from "@/lib/i18n";
import { useSession } from "@/stores/session";
import { AuthLayout, safeNext } from "./AuthLayout";

export default function Login() {
  const t = useT();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const expired = useSession((s) => s.expiredNotice);
  const signedIn = useSession((s) => s.signedIn);
  const setUser = useSession((s) => s.setUser);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const from = (location.state as { from?: string } | null)?.from;
  const next = safeNext(params.get("next")) ?? safeNext(from) ?? "/";

  const login = useLogin((data) => {
    queryClient.clear();
    if (data.user) {
      queryClient.setQueryData(["me"], data.user);
      if (Array.isArray(data.user.memberships)) setUser(data.user);
    }
    signedIn();
    navigate(next, { replace: true });
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ email: email.trim(), password });
  };

  const registerHref = params.get("next") ? `/register?next=${encodeURIComponent(params.get("next") ?? "")}` : "/register";

  return (
    <AuthLayout
      title={t("btn.login")}
      subtitle={t("auth.login.subtitle")}
      footer={
        <>
          {t("auth.login.new")}{" "}
          <Link to={registerHref} className="font-medium text-primary hover:underline" data-testid="go-register">
            {t("btn.register")}
          </Link>
        </>
      }
    >
      {expired && (
        <div className="mb-4 flex items-start gap-2 rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900" role="status" data-testid="session-expired">
          <Info className="mt-0.5 size-4 shrink-0" aria-hidden />
          {t("msg.sessionExpired")}
        </div>
      )}
      <form onSubmit={submit} className="grid gap-4" noValidate>
        <FormError message={formError(login.error, ["email", "password"])} />
        <Field label={t("field.email")} error={fieldError(login.error, "email")}>
          <Input type="email" autoComplete="email" inputMode="email" value={email} onChange={(e) => setEmail(e.target.value)} data-testid="login-email" required />
        </Field>
        <Field label={t("field.password")} error={fieldError(login.error, "password")}>
          <Input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="login-password" required />
        </Field>
        <Link to="/forgot-password" className="-mt-2 justify-self-end text-sm font-medium text-primary hover:underline" data-testid="forgot-password">
          {t("account.forgot.link")}
        </Link>
        <Button type="submit" loading={login.isPending} disabled={!email || !password} data-testid="login-submit" className="w-full">
          {t("btn.login")}
        </Button>
      </form>
    </AuthLayout>
  );
}
