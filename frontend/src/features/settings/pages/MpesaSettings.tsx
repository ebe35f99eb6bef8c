import { Copy, ShieldCheck, Smartphone } from "lucide-react";
import { useState, type ChangeEvent, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { Money, PageHeader } from "@/components/common";
import { QueryState } from "@/components/QueryState";
import { useMpesaSettings, useSaveMpesaSettings, useStkRequests } from "@/features/mpesa/api";
import { StkStatusBadge } from "@/features/mpesa/components/StkStatusBadge";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import { toast } from "@/components/ui/toast";
import { fieldError, formError } from "@/lib/hooks";
import { useT } from "@/lib/i18n";
import { usePageTitle } from "@/lib/usePageTitle";
import { maskPhone } from "@/lib/mpesa";
import { canAdmin } from "@/lib/roles";
import type { MpesaEnvironment, MpesaSettings as Settings, MpesaSettingsInput } from "@/lib/types";
import { formatDateTime } from "@/lib/utils";
import { useRole } from "@/stores/session";
import { SettingsTabs } from "../components/SettingsTabs";

const FIELDS = ["shortcode", "environment", "account_reference", "consumer_key", "consumer_secret", "passkey"];
const CREDENTIALS = [
  ["consumer_key", "mpesa.consumerKey"],
  ["consumer_secret", "mpesa.consumerSecret"],
  ["passkey", "mpesa.passkey"],
] as const;
const URLS = [
  ["callback_url", "mpesa.callbackUrl"],
  ["validation_url", "mpesa.validationUrl"],
  ["confirmation_url", "mpesa.confirmationUrl"],
] as const;

function SettingsForm({ settings }: { settings: Settings }) {
  const t = useT();
  const [form, setForm] = useState({
    shortcode: settings.shortcode ?? "",
    environment: (settings.environment ?? "sandbox") as MpesaEnvironment,
    account_reference: settings.account_reference ?? "",
    consumer_key: "",
    consumer_secret: "",
    passkey: "",
  });
  const set = (k: keyof typeof form) => (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const save = useSaveMpesaSettings(() => toast.success(t("mpesa.saved")));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: MpesaSettingsInput = { shortcode: form.shortcode.trim(), environment: form.environment, account_reference: form.account_reference.trim() };
    // Credentials are write-only: a blank box keeps what is stored, so only typed ones are sent.
    for (const [name] of CREDENTIALS) if (form[name].trim()) body[name] = form[name].trim();
    save.mutate(body);
  };
  const err = (k: string) => fieldError(save.error, k);

  return (
    <form onSubmit={submit} className="grid gap-4" noValidate data-testid="mpesa-settings-form">
      <FormError message={formError(save.error, FIELDS)} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label={t("mpesa.shortcode")} error={err("shortcode")} hint={t("mpesa.shortcodeHint")}>
          <Input inputMode="numeric" autoComplete="off" value={form.shortcode} onChange={set("shortcode")} data-testid="mpesa-shortcode" />
        </Field>
        <Field label={t("mpesa.environment")} error={err("environment")}>
          <Select value={form.environment} onChange={set("environment")} data-testid="mpesa-environment">
            <option value="sandbox">{t("mpesa.env.sandbox")}</option>
            <option value="production">{t("mpesa.env.production")}</option>
          </Select>
        </Field>
      </div>
      <Field label={t("mpesa.accountReference")} error={err("account_reference")} hint={t("mpesa.accountReferenceHint")}>
        <Input autoComplete="off" maxLength={12} value={form.account_reference} onChange={set("account_reference")} data-testid="mpesa-account-reference" />
      </Field>
      <fieldset className="grid gap-4 rounded-md border p-3 sm:p-4">
        <legend className="flex items-center gap-2 px-1 text-sm font-medium">
          {t("mpesa.credentials")}
          <Badge variant={settings.has_credentials ? "success" : "secondary"} data-testid="mpesa-credentials-status" data-set={settings.has_credentials ? "true" : "false"}>
            {t(settings.has_credentials ? "mpesa.credSet" : "mpesa.credNotSet")}
          </Badge>
        </legend>
        <p className="-mt-2 text-xs text-muted-foreground">{settings.has_credentials ? t("mpesa.credKeep") : t("mpesa.credTogether")}</p>
        {CREDENTIALS.map(([name, label]) => (
          <Field key={name} label={t(label)} error={err(name)}>
            <Input
              type="password"
              autoComplete="new-password"
              spellCheck={false}
              value={form[name]}
              onChange={set(name)}
              placeholder={settings.has_credentials ? "••••••••" : undefined}
              data-testid={`mpesa-${name.replace(/_/g, "-")}`}
            />
          </Field>
        ))}
      </fieldset>
      <div className="flex justify-end">
        <Button type="submit" loading={save.isPending} data-testid="mpesa-save">
          {t("btn.save")}
        </Button>
      </div>
    </form>
  );
}

async function copy(text: string, t: ReturnType<typeof useT>) {
  try {
    await navigator.clipboard.writeText(text);
    toast.success(t("mpesa.copied"));
  } catch {
    toast.error(t("mpesa.copyFailed"));
  }
}

function CallbackUrls({ settings }: { settings: Settings }) {
  const t = useT();
  const any = URLS.some(([k]) => settings[k]);
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("mpesa.urls")}</CardTitle>
        <CardDescription>{t("mpesa.urlsHelp")}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        {!any ? (
          <p className="text-sm text-muted-foreground" data-testid="mpesa-urls-none">
            {t("mpesa.urlsNone")}
          </p>
        ) : (
          URLS.map(([key, label]) => {
            const url = settings[key];
            if (!url) return null;
            return (
              <Field key={key} label={t(label)}>
                <div className="flex gap-2">
                  <Input readOnly value={url} onFocus={(e) => e.currentTarget.select()} className="font-mono text-xs sm:text-xs" data-testid={`mpesa-url-${key.replace("_url", "")}`} />
                  <Button type="button" variant="outline" size="icon" className="shrink-0" onClick={() => void copy(url, t)} aria-label={`${t("mpesa.copy")}: ${t(label)}`} title={t("mpesa.copy")}>
                    <Copy />
                  </Button>
                </div>
              </Field>
            );
          })
        )}
      </CardContent>
    </Card>
  );
}

function AdminSettings() {
  const t = useT();
  const q = useMpesaSettings();
  // Start the form afresh from what the server stored (and clear typed credentials) after each load.
  return (
    <QueryState
      query={q}
      loading={
        <div className="grid gap-4 lg:grid-cols-2">
          <Skeleton className="h-80" />
          <Skeleton className="h-48" />
        </div>
      }
      frame={(node) => <Card>{node}</Card>}
    >
      {(settings) => (
        <div className="grid gap-4 lg:grid-cols-2 lg:items-start">
          <Card>
            <CardHeader>
              <CardTitle>{t("mpesa.settings")}</CardTitle>
              <CardDescription>{t("mpesa.settingsHelp")}</CardDescription>
            </CardHeader>
            <CardContent>
              <SettingsForm key={q.dataUpdatedAt} settings={settings} />
            </CardContent>
          </Card>
          <CallbackUrls settings={settings} />
        </div>
      )}
    </QueryState>
  );
}

function RecentRequests() {
  const t = useT();
  const list = useStkRequests();
  return (
    <Card className="mt-4" data-testid="mpesa-requests">
      <CardHeader>
        <CardTitle>{t("mpesa.requests")}</CardTitle>
      </CardHeader>
      <QueryState
        query={list}
        loading={
          <CardContent className="grid gap-2">
            <Skeleton className="h-8" />
            <Skeleton className="h-8" />
          </CardContent>
        }
        isEmpty={(data) => data.results.length === 0}
        empty={{ icon: Smartphone, title: t("mpesa.requestsEmptyTitle"), body: t("mpesa.requestsEmptyBody") }}
      >
        {(data) => (
          <Table>
            <THead>
              <tr>
                <TH>{t("mpesa.col.time")}</TH>
                <TH className="hidden sm:table-cell">{t("mpesa.col.invoice")}</TH>
                <TH className="hidden md:table-cell">{t("mpesa.col.phone")}</TH>
                <TH className="text-right">{t("mpesa.col.amount")}</TH>
                <TH>{t("mpesa.col.status")}</TH>
                <TH className="hidden md:table-cell">{t("mpesa.col.receipt")}</TH>
              </tr>
            </THead>
            <TBody>
              {data.results.map((r) => (
                <TR key={r.id} data-testid="mpesa-request-row">
                  <TD className="whitespace-nowrap text-muted-foreground">{formatDateTime(r.created_at)}</TD>
                  <TD className="hidden sm:table-cell">
                    {r.invoice ? (
                      <Link to={`/invoices/${r.invoice}`} className="font-medium text-primary hover:underline">
                        {r.invoice_number || `#${r.invoice}`}
                      </Link>
                    ) : (
                      "—"
                    )}
                  </TD>
                  <TD className="hidden whitespace-nowrap tabular md:table-cell">{maskPhone(r.phone)}</TD>
                  <TD className="text-right">
                    <Money value={r.amount} currency="KES" />
                  </TD>
                  <TD>
                    <StkStatusBadge status={r.status} />
                  </TD>
                  <TD className="hidden font-mono text-xs md:table-cell">{r.mpesa_receipt || "—"}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </QueryState>
    </Card>
  );
}

export default function MpesaSettings() {
  const t = useT();
  const role = useRole();
  const admin = canAdmin(role);
  usePageTitle(t("mpesa.title"));
  return (
    <div data-testid="page-mpesa-settings">
      {admin && <SettingsTabs />}
      <PageHeader title={t("mpesa.title")} description={t("mpesa.description")} />
      {admin ? (
        <AdminSettings />
      ) : (
        <Card data-testid="mpesa-admin-only">
          <CardContent className="flex items-start gap-3 p-4 sm:p-5">
            <ShieldCheck className="mt-0.5 size-5 shrink-0 text-muted-foreground" aria-hidden />
            <p className="text-sm text-muted-foreground">{t("mpesa.adminOnly")}</p>
          </CardContent>
        </Card>
      )}
      <RecentRequests />
    </div>
  );
}
