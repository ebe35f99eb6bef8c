import { useState, type ChangeEvent, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { queryClient } from "@/lib/client";
import { useRegister } from "../api";
import { fieldError, formError } from "@/lib/hooks";
import { useT } from "@/lib/i18n";
import { useSession } from "@/stores/session";
import { AuthLayout, safeNext } from "./AuthLayout";

const FIELDS = ["email", "password", "first_name", "last_name"];

export default function Register() {
  const t = useT();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const signedIn = useSession((s) => s.signedIn);
  const setUser = useSession((s) => s.setUser);
  const [form, setForm] = useState({ first_name: "", last_name: "", email: "", password: "" });
  const next = safeNext(params.get("next"));
  const set = (k: keyof typeof form) => (e: ChangeEvent<HTMLInputElement>) => setForm((f) => ({ ...f, [k]: e.target.value }));

  const register = useRegister((data) => {
    queryClient.clear();
    if (data.user) {
      queryClient.setQueryData(["me"], data.user);
      if (Array.isArray(data.user.memberships)) setUser(data.user);
    }
    signedIn();
    navigate(next ?? "/onboarding", { replace: true });
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    register.mutate({ ...form, email: form.email.trim() });
  };

  return (
    <AuthLayout
      title={t("btn.register")}
      subtitle={t("auth.register.subtitle")}
      footer={
        <>
          {t("auth.register.have")}{" "}
          <Link to={next ? `/login?next=${encodeURIComponent(next)}` : "/login"} className="font-medium text-primary hover:underline" data-testid="go-login">
            {t("btn.login")}
          </Link>
        </>
      }
    >
      <form onSubmit={submit} className="grid gap-4" noValidate>
        <FormError message={formError(register.error, FIELDS)} />
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label={t("auth.firstName")} error={fieldError(register.error, "first_name")}>
            <Input autoComplete="given-name" value={form.first_name} onChange={set("first_name")} data-testid="register-first-name" />
          </Field>
          <Field label={t("auth.lastName")} error={fieldError(register.error, "last_name")}>
            <Input autoComplete="family-name" value={form.last_name} onChange={set("last_name")} data-testid="register-last-name" />
          </Field>
        </div>
        <Field label={t("field.email")} error={fieldError(register.error, "email")} required>
          <Input type="email" autoComplete="email" inputMode="email" value={form.email} onChange={set("email")} data-testid="register-email" />
        </Field>
        <Field label={t("field.password")} error={fieldError(register.error, "password")} hint={t("auth.passwordHint")} required>
          <Input type="password" autoComplete="new-password" value={form.password} onChange={set("password")} data-testid="register-password" />
        </Field>
        <Button type="submit" loading={register.isPending} disabled={!form.email || !form.password} data-testid="register-submit" className="w-full">
          {t("btn.register")}
        </Button>
      </form>
    </AuthLayout>
  );
}
