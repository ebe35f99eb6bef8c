import { Laptop, LogOut } from "lucide-react";
import { useState, type ChangeEvent, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { PageHeader } from "@/components/common";
import { QueryState } from "@/components/QueryState";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { toast } from "@/components/ui/toast";
import { api, queryClient } from "@/lib/client";
import { fieldError, formError } from "@/lib/hooks";
import { interpolate, useT } from "@/lib/i18n";
import type { Lang, Profile as ProfileData } from "@/lib/types";
import { usePageTitle } from "@/lib/usePageTitle";
import { formatDateTime } from "@/lib/utils";
import { useSession } from "@/stores/session";
import { useChangePassword, useProfile, useRevokeSession, useSessions, useUpdateProfile, type UserSession } from "../api";

const FIELDS = ["first_name", "last_name", "phone", "job_title", "city", "timezone", "language_preference"];

function ProfileForm({ profile }: { profile: ProfileData }) {
  const t = useT();
  const setLang = useSession((s) => s.setLang);
  const [form, setForm] = useState({
    first_name: profile.first_name ?? "",
    last_name: profile.last_name ?? "",
    phone: profile.phone ?? "",
    job_title: profile.job_title ?? "",
    city: profile.city ?? "",
    timezone: profile.timezone || "Africa/Nairobi",
    language_preference: (profile.language_preference ?? "en") as Lang,
  });
  const set = (k: keyof typeof form) => (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const save = useUpdateProfile();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(form, {
      onSuccess: (saved) => {
        setLang((saved?.language_preference ?? form.language_preference) as Lang);
        toast.success(t("account.profile.saved"));
      },
    });
  };
  const err = (k: string) => fieldError(save.error, k);
  return (
    <form onSubmit={submit} className="grid gap-4" noValidate>
      <FormError message={formError(save.error, FIELDS)} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label={t("account.firstName")} error={err("first_name")}>
          <Input value={form.first_name} onChange={set("first_name")} autoComplete="given-name" data-testid="profile-first-name" />
        </Field>
        <Field label={t("account.lastName")} error={err("last_name")}>
          <Input value={form.last_name} onChange={set("last_name")} autoComplete="family-name" data-testid="profile-last-name" />
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label={t("account.phone")} error={err("phone")}>
          <Input type="tel" inputMode="tel" value={form.phone} onChange={set("phone")} autoComplete="tel" data-testid="profile-phone" />
        </Field>
        <Field label={t("account.jobTitle")} error={err("job_title")}>
          <Input value={form.job_title} onChange={set("job_title")} />
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label={t("account.city")} error={err("city")}>
          <Input value={form.city} onChange={set("city")} />
        </Field>
        <Field label={t("account.timezone")} error={err("timezone")}>
          <Select value={form.timezone} onChange={set("timezone")}>
            {Array.from(new Set([form.timezone, "Africa/Nairobi", "Africa/Kampala", "Africa/Dar_es_Salaam", "UTC"])).map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <Field label={`${t("word.language")} / Lugha`} error={err("language_preference")} hint={t("account.languageHint")}>
        <Select value={form.language_preference} onChange={set("language_preference")} data-testid="profile-language">
          <option value="en">English</option>
          <option value="sw">Kiswahili</option>
        </Select>
      </Field>
      <div className="flex justify-end">
        <Button type="submit" loading={save.isPending} data-testid="profile-save">
          {t("btn.save")}
        </Button>
      </div>
    </form>
  );
}

function ProfileCard() {
  const t = useT();
  const q = useProfile();
  return (
    <Card data-testid="page-profile">
      <CardHeader>
        <CardTitle>{t("account.profile.title")}</CardTitle>
        <CardDescription>{t("account.profile.help")}</CardDescription>
      </CardHeader>
      <CardContent>
        <QueryState
          query={q}
          loading={
            <div className="grid gap-3">
              <Skeleton className="h-10" />
              <Skeleton className="h-10" />
              <Skeleton className="h-10" />
            </div>
          }
        >
          {(profile) => <ProfileForm key={q.dataUpdatedAt} profile={profile} />}
        </QueryState>
      </CardContent>
    </Card>
  );
}

function PasswordCard() {
  const t = useT();
  const change = useChangePassword();
  const [form, setForm] = useState({ old_password: "", new_password: "", confirm: "" });
  const [mismatch, setMismatch] = useState(false);
  const set = (k: keyof typeof form) => (e: ChangeEvent<HTMLInputElement>) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const differ = form.new_password !== form.confirm;
    setMismatch(differ);
    if (differ) return;
    change.mutate(
      { old_password: form.old_password, new_password: form.new_password },
      {
        onSuccess: () => {
          setForm({ old_password: "", new_password: "", confirm: "" });
          toast.success(t("account.password.changed"));
        },
      },
    );
  };
  const err = (k: string) => fieldError(change.error, k);
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("account.password.title")}</CardTitle>
        <CardDescription>{t("account.password.help")}</CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={submit} className="grid gap-4" noValidate data-testid="password-form">
          <FormError message={formError(change.error, ["old_password", "new_password"])} />
          <Field label={t("account.password.current")} error={err("old_password")}>
            <Input type="password" autoComplete="current-password" value={form.old_password} onChange={set("old_password")} data-testid="password-old" />
          </Field>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label={t("account.password.new")} error={err("new_password")}>
              <Input type="password" autoComplete="new-password" value={form.new_password} onChange={set("new_password")} data-testid="password-new" />
            </Field>
            <Field label={t("account.password.confirm")} error={mismatch ? t("account.password.mismatch") : undefined}>
              <Input type="password" autoComplete="new-password" value={form.confirm} onChange={set("confirm")} data-testid="password-confirm" />
            </Field>
          </div>
          <div className="flex justify-end">
            <Button type="submit" loading={change.isPending} disabled={!form.old_password || !form.new_password || !form.confirm} data-testid="password-save">
              {t("account.password.save")}
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}

/** "Chrome on Android" from a user agent, without a library: enough to recognise a device. */
function deviceName(ua: string): string | null {
  if (!ua) return null;
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : null;
  const os = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Windows/.test(ua) ? "Windows" : /Mac OS X/.test(ua) ? "macOS" : /Linux/.test(ua) ? "Linux" : null;
  if (browser && os) return `${browser} · ${os}`;
  return browser ?? os ?? ua.slice(0, 40);
}

function SessionRow({ session }: { session: UserSession }) {
  const t = useT();
  const navigate = useNavigate();
  const revoke = useRevokeSession();
  const signedOut = useSession((s) => s.signedOut);
  const name = deviceName(session.user_agent) ?? t("account.sessions.unknownDevice");
  const signOutHere = async () => {
    await api.logout();
    signedOut();
    queryClient.clear();
    navigate("/login", { replace: true });
  };
  return (
    <li className="flex flex-wrap items-center gap-3 py-3" data-testid="session-row" data-current={session.current ? "true" : "false"}>
      <Laptop className="size-5 shrink-0 text-muted-foreground" aria-hidden />
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-2 text-sm font-medium">
          <span className="truncate">{name}</span>
          {session.current && <Badge variant="success">{t("account.sessions.thisDevice")}</Badge>}
        </p>
        <p className="text-xs text-muted-foreground">
          {[session.ip, interpolate(t("account.sessions.since"), { date: formatDateTime(session.created_at) }), interpolate(t("account.sessions.lastSeen"), { date: formatDateTime(session.last_seen_at) })]
            .filter(Boolean)
            .join(" · ")}
        </p>
      </div>
      {session.current ? (
        <Button type="button" variant="outline" size="sm" onClick={() => void signOutHere()} data-testid="session-sign-out-here">
          <LogOut className="size-4" aria-hidden />
          {t("account.sessions.signOutHere")}
        </Button>
      ) : (
        <Button
          type="button"
          variant="outline"
          size="sm"
          loading={revoke.isPending}
          // The visible text first: a spoken command ("Sign out this device") still finds the button.
          aria-label={`${t("account.sessions.revoke")} (${name})`}
          onClick={() => revoke.mutate(session.id, { onSuccess: () => toast.success(t("account.sessions.revoked")) })}
          data-testid="session-revoke"
        >
          {t("account.sessions.revoke")}
        </Button>
      )}
      {revoke.error ? <FormError message={formError(revoke.error)} /> : null}
    </li>
  );
}

function SessionsCard() {
  const t = useT();
  const user = useSession((s) => s.user);
  const q = useSessions(user?.email);
  const sessions = [...(q.data ?? [])].sort((a, b) => Number(b.current) - Number(a.current));
  return (
    <Card data-testid="sessions">
      <CardHeader>
        <CardTitle>{t("account.sessions.title")}</CardTitle>
        <CardDescription>{t("account.sessions.help")}</CardDescription>
      </CardHeader>
      <CardContent>
        <QueryState query={q} loading={<Skeleton className="h-24" />}>
          {() => (
            <>
              <ul className="divide-y">
                {sessions.map((s) => (
                  <SessionRow key={s.id} session={s} />
                ))}
              </ul>
              {sessions.every((s) => s.current) && <p className="pt-2 text-sm text-muted-foreground">{t("account.sessions.empty")}</p>}
            </>
          )}
        </QueryState>
      </CardContent>
    </Card>
  );
}

export default function Account() {
  const t = useT();
  const user = useSession((s) => s.user);
  usePageTitle(t("account.title"));
  return (
    <div data-testid="page-account" className="grid max-w-3xl gap-4">
      <PageHeader title={t("account.title")} description={user?.email} />
      <ProfileCard />
      <PasswordCard />
      <SessionsCard />
    </div>
  );
}
