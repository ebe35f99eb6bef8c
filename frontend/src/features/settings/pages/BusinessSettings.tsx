import { ImageOff, ShieldCheck, Smartphone } from "lucide-react";
import { useRef, useState, type ChangeEvent, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { PageHeader } from "@/components/common";
import { QueryState } from "@/components/QueryState";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { toast } from "@/components/ui/toast";
import { fieldError, formError } from "@/lib/hooks";
import { interpolate, useT, type MessageKey } from "@/lib/i18n";
import { canAdmin } from "@/lib/roles";
import { usePageTitle } from "@/lib/usePageTitle";
import { useRole, useSession } from "@/stores/session";
import {
  MODULES,
  useBusinessModules,
  useBusinessSettings,
  useLogoUrl,
  useRemoveLogo,
  useSetModule,
  useUpdateBusinessSettings,
  useUploadLogo,
  type BankDetails,
  type BusinessSettings as Settings,
  type PaymentInstructions,
  type ReminderChannel,
} from "../api";
import { SettingsTabs } from "../components/SettingsTabs";

const CHANNELS: ReminderChannel[] = ["email", "sms", "whatsapp"];
const LOGO_MAX_BYTES = 1024 * 1024;
const KNOWN_FIELDS = ["legal_name", "dba_name", "address", "phone", "email", "kra_pin", "tax_id", "payment_instructions", "reminders"];
type PayKind = "paybill" | "till" | "none";

function parseDays(text: string): number[] | null {
  const parts = text
    .split(/[,\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (!parts.every((p) => /^\d{1,3}$/.test(p))) return null;
  return parts.map(Number);
}

function SettingsForm({ settings }: { settings: Settings }) {
  const t = useT();
  const pay = settings.payment_instructions ?? {};
  const bankText = typeof pay.bank === "string" ? pay.bank : null;
  const bank: BankDetails = typeof pay.bank === "object" && pay.bank ? pay.bank : {};
  const [form, setForm] = useState({
    legal_name: settings.legal_name ?? "",
    dba_name: settings.dba_name ?? "",
    address: settings.address ?? "",
    phone: settings.phone ?? "",
    email: settings.email ?? "",
    kra_pin: settings.kra_pin ?? "",
    pay_kind: (pay.mpesa_paybill ? "paybill" : pay.mpesa_till ? "till" : "none") as PayKind,
    pay_number: pay.mpesa_paybill ?? pay.mpesa_till ?? "",
    account_hint: pay.account_hint ?? "",
    bank_text: bankText ?? "",
    bank_name: bank.name ?? "",
    bank_branch: bank.branch ?? "",
    bank_account_name: bank.account_name ?? "",
    bank_account_number: bank.account_number ?? "",
    before: (settings.reminders?.days_before_due ?? []).join(", "),
    after: (settings.reminders?.days_after_due ?? []).join(", "),
  });
  const [channels, setChannels] = useState<ReminderChannel[]>(settings.reminders?.channels ?? ["email"]);
  const [dayErrors, setDayErrors] = useState<{ before?: string; after?: string }>({});
  const save = useUpdateBusinessSettings(settings.id);
  const set = (k: keyof typeof form) => (e: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));
  const err = (k: string) => fieldError(save.error, k);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const before = parseDays(form.before);
    const after = parseDays(form.after);
    const bad = { before: before ? undefined : t("settings.reminders.badDays"), after: after ? undefined : t("settings.reminders.badDays") };
    setDayErrors(bad);
    if (!before || !after) return;
    const instructions: PaymentInstructions = {};
    const number = form.pay_number.trim();
    if (form.pay_kind === "paybill" && number) instructions.mpesa_paybill = number;
    if (form.pay_kind === "till" && number) instructions.mpesa_till = number;
    if (form.account_hint.trim()) instructions.account_hint = form.account_hint.trim();
    if (bankText !== null) {
      if (form.bank_text.trim()) instructions.bank = form.bank_text.trim();
    } else {
      const details: BankDetails = {
        name: form.bank_name.trim(),
        branch: form.bank_branch.trim(),
        account_name: form.bank_account_name.trim(),
        account_number: form.bank_account_number.trim(),
      };
      if (Object.values(details).some(Boolean)) instructions.bank = details;
    }
    save.mutate(
      {
        legal_name: form.legal_name.trim(),
        dba_name: form.dba_name.trim(),
        address: form.address.trim(),
        phone: form.phone.trim(),
        email: form.email.trim(),
        kra_pin: form.kra_pin.trim(),
        payment_instructions: instructions,
        reminders: { days_before_due: before, days_after_due: after, channels },
      },
      { onSuccess: () => toast.success(t("settings.saved")) },
    );
  };

  const toggleChannel = (channel: ReminderChannel) =>
    setChannels((current) => (current.includes(channel) ? current.filter((c) => c !== channel) : [...current, channel]));

  return (
    <form onSubmit={submit} className="grid gap-4" noValidate data-testid="settings-form">
      <FormError message={formError(save.error, KNOWN_FIELDS)} />
      <Card>
        <CardHeader>
          <CardTitle>{t("settings.details.title")}</CardTitle>
          <CardDescription>{t("settings.details.help")}</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label={t("settings.legalName")} error={err("legal_name")} required>
              <Input value={form.legal_name} onChange={set("legal_name")} maxLength={200} data-testid="settings-legal-name" />
            </Field>
            <Field label={t("settings.tradingName")} error={err("dba_name")}>
              <Input value={form.dba_name} onChange={set("dba_name")} maxLength={200} data-testid="settings-trading-name" />
            </Field>
          </div>
          <Field label={t("settings.address")} error={err("address")}>
            <Input value={form.address} onChange={set("address")} maxLength={300} autoComplete="street-address" data-testid="settings-address" />
          </Field>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label={t("settings.phone")} error={err("phone")}>
              <Input type="tel" inputMode="tel" value={form.phone} onChange={set("phone")} maxLength={32} data-testid="settings-phone" />
            </Field>
            <Field label={t("settings.email")} error={err("email")}>
              <Input type="email" inputMode="email" value={form.email} onChange={set("email")} data-testid="settings-email" />
            </Field>
            <Field label={t("settings.kraPin")} error={err("kra_pin") ?? err("tax_id")} hint={t("settings.kraPinHint")}>
              <Input value={form.kra_pin} onChange={set("kra_pin")} maxLength={11} autoCapitalize="characters" spellCheck={false} data-testid="settings-kra-pin" />
            </Field>
          </div>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>{t("settings.pay.title")}</CardTitle>
          <CardDescription>{t("settings.pay.help")}</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label={t("settings.pay.kind")}>
              <Select value={form.pay_kind} onChange={set("pay_kind")} data-testid="settings-pay-kind">
                <option value="paybill">{t("settings.pay.paybill")}</option>
                <option value="till">{t("settings.pay.till")}</option>
                <option value="none">{t("settings.pay.none")}</option>
              </Select>
            </Field>
            {form.pay_kind !== "none" && (
              <Field
                label={t(form.pay_kind === "paybill" ? "settings.pay.paybillNumber" : "settings.pay.tillNumber")}
                error={err(form.pay_kind === "paybill" ? "payment_instructions.mpesa_paybill" : "payment_instructions.mpesa_till")}
                hint={t("settings.pay.numberHint")}
              >
                <Input inputMode="numeric" autoComplete="off" maxLength={7} value={form.pay_number} onChange={set("pay_number")} data-testid="settings-pay-number" />
              </Field>
            )}
          </div>
          <Field label={t("settings.pay.accountHint")} error={err("payment_instructions.account_hint")} hint={t("settings.pay.accountHintHelp")}>
            <Input maxLength={40} value={form.account_hint} onChange={set("account_hint")} data-testid="settings-account-hint" />
          </Field>
          <fieldset className="grid gap-4 rounded-md border p-3 sm:p-4">
            <legend className="px-1 text-sm font-medium">{t("settings.bank.title")}</legend>
            {bankText !== null ? (
              <Field label={t("settings.bank.title")} error={err("payment_instructions.bank")}>
                <Textarea maxLength={300} rows={3} value={form.bank_text} onChange={set("bank_text")} data-testid="settings-bank-text" />
              </Field>
            ) : (
              <div className="grid gap-4 sm:grid-cols-2">
                <Field label={t("settings.bank.name")} error={err("payment_instructions.bank.name")}>
                  <Input maxLength={100} value={form.bank_name} onChange={set("bank_name")} data-testid="settings-bank-name" />
                </Field>
                <Field label={t("settings.bank.branch")} error={err("payment_instructions.bank.branch")}>
                  <Input maxLength={100} value={form.bank_branch} onChange={set("bank_branch")} data-testid="settings-bank-branch" />
                </Field>
                <Field label={t("settings.bank.accountName")} error={err("payment_instructions.bank.account_name")}>
                  <Input maxLength={100} value={form.bank_account_name} onChange={set("bank_account_name")} data-testid="settings-bank-account-name" />
                </Field>
                <Field label={t("settings.bank.accountNumber")} error={err("payment_instructions.bank.account_number")}>
                  <Input maxLength={40} inputMode="numeric" value={form.bank_account_number} onChange={set("bank_account_number")} data-testid="settings-bank-account-number" />
                </Field>
              </div>
            )}
          </fieldset>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>{t("settings.reminders.title")}</CardTitle>
          <CardDescription>{t("settings.reminders.help")}</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label={t("settings.reminders.before")} error={dayErrors.before ?? err("reminders.days_before_due") ?? err("reminders.days_before_due.0")} hint={t("settings.reminders.daysHint")}>
              <Input inputMode="numeric" value={form.before} onChange={set("before")} data-testid="settings-reminders-before" />
            </Field>
            <Field label={t("settings.reminders.after")} error={dayErrors.after ?? err("reminders.days_after_due") ?? err("reminders.days_after_due.0")} hint={t("settings.reminders.daysHint")}>
              <Input inputMode="numeric" value={form.after} onChange={set("after")} data-testid="settings-reminders-after" />
            </Field>
          </div>
          <fieldset className="grid gap-2">
            <legend className="mb-1 text-sm font-medium">{t("settings.reminders.channels")}</legend>
            <div className="flex flex-wrap gap-4">
              {CHANNELS.map((channel) => (
                <label key={channel} className="flex min-h-10 items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    className="size-4 accent-primary"
                    checked={channels.includes(channel)}
                    onChange={() => toggleChannel(channel)}
                    data-testid={`settings-channel-${channel}`}
                  />
                  {t(`settings.channel.${channel}` as MessageKey)}
                </label>
              ))}
            </div>
          </fieldset>
        </CardContent>
      </Card>

      <div className="flex justify-end">
        <Button type="submit" loading={save.isPending} data-testid="settings-save">
          {t("settings.save")}
        </Button>
      </div>
    </form>
  );
}

function LogoCard({ settings }: { settings: Settings }) {
  const t = useT();
  const input = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const upload = useUploadLogo(settings.id);
  const remove = useRemoveLogo(settings.id);
  const url = useLogoUrl(settings.logo, settings.updated_at);
  const choose = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (!file) return;
    if (!["image/png", "image/jpeg"].includes(file.type)) return setProblem(t("settings.logo.wrongType"));
    if (file.size > LOGO_MAX_BYTES) return setProblem(t("settings.logo.tooBig"));
    setProblem(null);
    upload.mutate(file, { onSuccess: () => toast.success(t("settings.logo.uploaded")) });
  };
  const error = problem ?? fieldError(upload.error, "logo") ?? formError(upload.error, ["logo"]) ?? formError(remove.error);
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("settings.logo.title")}</CardTitle>
        <CardDescription>{t("settings.logo.help")}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        <div className="flex h-24 items-center justify-center rounded-md border bg-muted/40 p-2" data-testid="settings-logo-preview">
          {settings.logo && url ? (
            <img src={url} alt={t("settings.logo.preview")} className="max-h-20 max-w-full object-contain" data-testid="settings-logo-image" />
          ) : settings.logo ? (
            <Skeleton className="h-16 w-32" />
          ) : (
            <p className="flex items-center gap-2 text-sm text-muted-foreground">
              <ImageOff className="size-4" aria-hidden />
              {t("settings.logo.none")}
            </p>
          )}
        </div>
        {error && (
          <p role="alert" className="text-xs font-medium text-destructive" data-testid="settings-logo-error">
            {error}
          </p>
        )}
        <input
          ref={input}
          type="file"
          accept="image/png,image/jpeg"
          className="sr-only"
          tabIndex={-1}
          aria-label={t("settings.logo.choose")}
          onChange={choose}
          data-testid="settings-logo-input"
        />
        <div className="flex flex-wrap gap-2">
          <Button type="button" variant="outline" loading={upload.isPending} onClick={() => input.current?.click()} data-testid="settings-logo-upload">
            {t("settings.logo.upload")}
          </Button>
          {settings.logo && (
            <Button
              type="button"
              variant="ghost"
              loading={remove.isPending}
              onClick={() => remove.mutate(undefined, { onSuccess: () => toast.success(t("settings.logo.removed")) })}
              data-testid="settings-logo-remove"
            >
              {t("settings.logo.remove")}
            </Button>
          )}
        </div>
      </CardContent>
    </Card>
  );
}

function ModulesCard() {
  const t = useT();
  const assignments = useBusinessModules();
  const setModule = useSetModule();
  const byModule = new Map((assignments.data ?? []).map((a) => [a.module, a]));
  return (
    <Card data-testid="settings-modules">
      <CardHeader>
        <CardTitle>{t("settings.modules.title")}</CardTitle>
        <CardDescription>{t("settings.modules.help")}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-1">
        <QueryState
          query={assignments}
          loading={<Skeleton className="h-40" />}
        >
          {() => (
            MODULES.map((module) => {
              const existing = byModule.get(module);
              const on = existing ? existing.enabled : true;
              const name = t(`settings.module.${module}` as MessageKey);
              return (
                <label key={module} className="flex min-h-10 items-center justify-between gap-3 rounded-md px-1 text-sm hover:bg-muted/50">
                  <span>{name}</span>
                  <input
                    type="checkbox"
                    role="switch"
                    className="size-4 accent-primary"
                    checked={on}
                    disabled={setModule.isPending}
                    aria-label={interpolate(t(on ? "settings.modules.on" : "settings.modules.off"), { module: name })}
                    onChange={() =>
                      setModule.mutate({ module, enabled: !on, existing }, { onSuccess: () => toast.success(t("settings.modules.saved")) })
                    }
                    data-testid={`settings-module-${module}`}
                  />
                </label>
              );
            })
          )}
        </QueryState>
        {setModule.error ? <FormError message={formError(setModule.error)} /> : null}
      </CardContent>
    </Card>
  );
}

function AdminOnly() {
  const t = useT();
  return (
    <Card data-testid="settings-admin-only">
      <CardContent className="flex items-start gap-3 p-4 sm:p-5">
        <ShieldCheck className="mt-0.5 size-5 shrink-0 text-muted-foreground" aria-hidden />
        <p className="text-sm text-muted-foreground">{t("settings.adminOnly")}</p>
      </CardContent>
    </Card>
  );
}

export default function BusinessSettings() {
  const t = useT();
  const role = useRole();
  const businessId = useSession((s) => s.businessId);
  const admin = canAdmin(role);
  const q = useBusinessSettings(admin ? businessId : null);
  // Start the form afresh from what the server stored after each load.
  usePageTitle(t("settings.title"));
  return (
    <div data-testid="page-settings">
      {admin && <SettingsTabs />}
      <PageHeader title={t("settings.title")} description={t("settings.description")} />
      {!admin ? (
        <AdminOnly />
      ) : (
        <QueryState
          query={q}
          loading={
            <div className="grid gap-4">
              <Skeleton className="h-64" />
              <Skeleton className="h-48" />
            </div>
          }
          frame={(node) => <Card>{node}</Card>}
        >
          {(settings) => (
            <div className="grid gap-4 lg:grid-cols-[1fr_320px] lg:items-start">
              <SettingsForm key={q.dataUpdatedAt} settings={settings} />
              <div className="grid gap-4">
                <LogoCard settings={settings} />
                <ModulesCard />
                <Link
                  to="/settings/mpesa"
                  className="flex items-center gap-2 rounded-md border bg-card p-3 text-sm font-medium text-primary hover:underline"
                  data-testid="settings-mpesa-link"
                >
                  <Smartphone className="size-4" aria-hidden />
                  {t("settings.mpesaLink")}
                </Link>
              </div>
            </div>
          )}
        </QueryState>
      )}
    </div>
  );
}
