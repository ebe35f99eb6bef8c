import { useQuery } from "@tanstack/react-query";
import { useEffect, useState, type ChangeEvent, type FormEvent } from "react";
import { ErrorState, PageHeader } from "@/components/common";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { toast } from "@/components/ui/toast";
import { api, queryClient } from "@/lib/client";
import { fieldError, formError, useBizMutation } from "@/lib/hooks";
import { useT } from "@/lib/i18n";
import type { Lang, Profile as ProfileData } from "@/lib/types";
import { useSession } from "@/stores/session";

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
  const save = useBizMutation(
    () => api.patch<ProfileData>("users/profile/", form, { business: false }),
    (saved) => {
      setLang((saved?.language_preference ?? form.language_preference) as Lang);
      void queryClient.invalidateQueries({ queryKey: ["me"] });
      void queryClient.invalidateQueries({ queryKey: ["profile"] });
      toast.success(form.language_preference === "sw" ? "Wasifu umehifadhiwa." : "Profile saved.");
    },
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(undefined);
  };
  const err = (k: string) => fieldError(save.error, k);
  return (
    <form onSubmit={submit} className="grid gap-4" noValidate>
      <FormError message={formError(save.error, FIELDS)} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="First name" error={err("first_name")}>
          <Input value={form.first_name} onChange={set("first_name")} data-testid="profile-first-name" />
        </Field>
        <Field label="Last name" error={err("last_name")}>
          <Input value={form.last_name} onChange={set("last_name")} data-testid="profile-last-name" />
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Phone" error={err("phone")}>
          <Input type="tel" inputMode="tel" value={form.phone} onChange={set("phone")} data-testid="profile-phone" />
        </Field>
        <Field label="Job title" error={err("job_title")}>
          <Input value={form.job_title} onChange={set("job_title")} />
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="City" error={err("city")}>
          <Input value={form.city} onChange={set("city")} />
        </Field>
        <Field label="Time zone" error={err("timezone")}>
          <Select value={form.timezone} onChange={set("timezone")}>
            {Array.from(new Set([form.timezone, "Africa/Nairobi", "Africa/Kampala", "Africa/Dar_es_Salaam", "UTC"])).map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <Field label={`${t("word.language")} / Lugha`} error={err("language_preference")} hint="The app and KAVI will use this language.">
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

export default function Profile() {
  const t = useT();
  const user = useSession((s) => s.user);
  const q = useQuery({ queryKey: ["profile"], queryFn: () => api.get<ProfileData>("users/profile/", undefined, { business: false }) });
  const [key, setKey] = useState(0);
  useEffect(() => setKey((k) => k + 1), [q.dataUpdatedAt]);
  return (
    <div data-testid="page-profile">
      <PageHeader title={t("nav.profile")} description={user?.email} />
      <Card className="max-w-2xl">
        <CardHeader>
          <CardTitle>Your details</CardTitle>
          <CardDescription>Only you can change these.</CardDescription>
        </CardHeader>
        <CardContent>
          {q.isPending ? (
            <div className="grid gap-3" data-testid="loading">
              <Skeleton className="h-10" />
              <Skeleton className="h-10" />
              <Skeleton className="h-10" />
            </div>
          ) : q.isError ? (
            <ErrorState error={q.error} onRetry={() => void q.refetch()} />
          ) : (
            <ProfileForm key={key} profile={q.data} />
          )}
        </CardContent>
      </Card>
    </div>
  );
}
