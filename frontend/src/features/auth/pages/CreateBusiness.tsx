import { useState, type ChangeEvent, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { queryClient } from "@/lib/client";
import { useCreateBusiness } from "../api";
import { fieldError, formError } from "@/lib/hooks";
import { useT } from "@/lib/i18n";
import { useSession } from "@/stores/session";
import { AuthLayout } from "./AuthLayout";

const FIELDS = ["legal_name", "dba_name", "industry", "phone", "email", "currency", "timezone", "country"];
const INDUSTRIES = ["Retail", "Wholesale", "Food and hospitality", "Agriculture", "Transport and logistics", "Construction", "Professional services", "Health", "Education", "Manufacturing", "Technology", "Other"] as const;

/** Create a business; the creator becomes its owner and it becomes the active business. */
export default function CreateBusiness() {
  const t = useT();
  const navigate = useNavigate();
  const user = useSession((s) => s.user);
  const setUser = useSession((s) => s.setUser);
  const setBusiness = useSession((s) => s.setBusiness);
  const hasBusiness = (user?.memberships.length ?? 0) > 0;
  const [form, setForm] = useState({ legal_name: "", dba_name: "", industry: "", phone: "", email: "", currency: "KES", timezone: "Africa/Nairobi", country: "KE" });
  const set = (k: keyof typeof form) => (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm((f) => ({ ...f, [k]: e.target.value }));

  const create = useCreateBusiness(({ business, me }) => {
    queryClient.setQueryData(["me"], me);
    setUser(me);
    setBusiness(business.id);
    navigate("/", { replace: true });
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(Object.fromEntries(Object.entries(form).filter(([, v]) => v.trim() !== "")));
  };

  return (
    <AuthLayout
      title={hasBusiness ? t("nav.newBusiness") : t("auth.business.setup")}
      subtitle={hasBusiness ? t("auth.business.ownerNote") : t("auth.business.intro")}
      footer={
        hasBusiness ? (
          <Link to="/" className="font-medium text-primary hover:underline">
            {t("btn.back")}
          </Link>
        ) : (
          t("auth.business.invited")
        )
      }
    >
      <form onSubmit={submit} className="grid gap-4" noValidate>
        <FormError message={formError(create.error, FIELDS)} />
        <Field label={t("auth.business.legalName")} error={fieldError(create.error, "legal_name")} required>
          <Input value={form.legal_name} onChange={set("legal_name")} data-testid="business-legal-name" placeholder={t("auth.business.legalNamePlaceholder")} />
        </Field>
        <Field label={t("auth.business.dbaName")} error={fieldError(create.error, "dba_name")} hint={t("auth.business.dbaHint")}>
          <Input value={form.dba_name} onChange={set("dba_name")} data-testid="business-dba-name" />
        </Field>
        <Field label={t("auth.business.industry")} error={fieldError(create.error, "industry")}>
          <Select value={form.industry} onChange={set("industry")} data-testid="business-industry">
            <option value="">{t("common.choose")}</option>
            {INDUSTRIES.map((i) => (
              <option key={i} value={i}>
                {t(`auth.ind.${i}`)}
              </option>
            ))}
          </Select>
        </Field>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label={t("field.phone")} error={fieldError(create.error, "phone")}>
            <Input type="tel" inputMode="tel" value={form.phone} onChange={set("phone")} placeholder={t("field.phonePlaceholder")} data-testid="business-phone" />
          </Field>
          <Field label={t("auth.business.email")} error={fieldError(create.error, "email")}>
            <Input type="email" value={form.email} onChange={set("email")} data-testid="business-email" />
          </Field>
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label={t("auth.business.currency")} error={fieldError(create.error, "currency")}>
            <Select value={form.currency} onChange={set("currency")} data-testid="business-currency">
              <option value="KES">KES · {t("auth.cur.KES")}</option>
              <option value="UGX">UGX · {t("auth.cur.UGX")}</option>
              <option value="TZS">TZS · {t("auth.cur.TZS")}</option>
              <option value="USD">USD · {t("auth.cur.USD")}</option>
            </Select>
          </Field>
          <Field label={t("auth.business.timezone")} error={fieldError(create.error, "timezone")}>
            <Select value={form.timezone} onChange={set("timezone")} data-testid="business-timezone">
              <option value="Africa/Nairobi">Africa/Nairobi</option>
              <option value="Africa/Kampala">Africa/Kampala</option>
              <option value="Africa/Dar_es_Salaam">Africa/Dar_es_Salaam</option>
              <option value="UTC">UTC</option>
            </Select>
          </Field>
        </div>
        <Button type="submit" loading={create.isPending} disabled={!form.legal_name.trim()} data-testid="business-submit" className="w-full">
          {t("btn.createBusiness")}
        </Button>
      </form>
    </AuthLayout>
  );
}
