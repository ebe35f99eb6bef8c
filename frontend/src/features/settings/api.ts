/** The settings feature's endpoints: the business's details and settings, its logo and its modules. */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef } from "react";
import { api, bizKey, invalidateBusiness, queryClient } from "@/lib/client";
import type { components } from "@/api/schema";
import type { ModuleName, Paginated } from "@/lib/types";

type Schemas = components["schemas"];

export type BankDetails = { name?: string; branch?: string; account_name?: string; account_number?: string };

/** The schema types `bank` loosely (free text or an object): narrowed here. */
export type PaymentInstructions = Omit<Schemas["PaymentInstructions"], "bank"> & { bank?: string | BankDetails };

export type ReminderChannel = Schemas["ChannelsEnum"];
export type Reminders = Schemas["Reminders"];

/** The business as its settings page reads it: the generated type, with what the API always returns. */
export type BusinessSettings = Omit<Schemas["Business"], "payment_instructions" | "reminders" | "logo" | "kra_pin" | "dba_name" | "role"> & {
  dba_name: string;
  kra_pin: string;
  payment_instructions: PaymentInstructions;
  reminders: Reminders;
  /** the API path that serves the logo, or null */
  logo: string | null;
};

export type BusinessSettingsInput = Partial<
  Pick<BusinessSettings, "legal_name" | "dba_name" | "address" | "phone" | "email" | "kra_pin" | "payment_instructions" | "reminders">
>;

export const MODULES: readonly ModuleName[] = ["transactions", "invoices", "budgets", "cashflow", "forecasts", "credit", "suppliers", "kavi", "mpesa"];
export type { ModuleName };

export interface ModuleAssignment {
  id: number;
  module: ModuleName;
  membership: number | null;
  enabled: boolean;
}

const businessPath = (id: number) => `users/businesses/${id}/`;

/** Refreshes what shows the business: the settings form, /users/me/ (names, modules) and every business query.
 * Not awaited by the mutations: the refetched settings remount the form, and a caller's own
 * onSuccess (its toast) must run before that. */
function refreshBusiness(id: number) {
  void Promise.all([
    queryClient.invalidateQueries({ queryKey: ["business-settings", id] }),
    queryClient.invalidateQueries({ queryKey: ["me"] }),
    invalidateBusiness(),
  ]);
}

export function useBusinessSettings(id: number | null) {
  return useQuery({
    queryKey: ["business-settings", id],
    queryFn: () => api.get<BusinessSettings>(businessPath(id ?? 0), undefined, { business: false }),
    enabled: id !== null,
  });
}

export function useUpdateBusinessSettings(id: number) {
  return useMutation({
    mutationFn: (body: BusinessSettingsInput) => api.patch<BusinessSettings>(businessPath(id), body, { business: false }),
    onSuccess: () => refreshBusiness(id),
  });
}

export function useUploadLogo(id: number) {
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append("logo", file);
      return api.request<BusinessSettings>(businessPath(id), { method: "PATCH", form, business: false });
    },
    onSuccess: () => refreshBusiness(id),
  });
}

export function useRemoveLogo(id: number) {
  return useMutation({
    mutationFn: () => api.patch<BusinessSettings>(businessPath(id), { logo: null }, { business: false }),
    onSuccess: () => refreshBusiness(id),
  });
}

/** The logo as a blob: URL (the API serves it only with the user's token); revoked when it changes. */
export function useLogoUrl(path: string | null | undefined, version: string | undefined) {
  const q = useQuery({
    queryKey: ["business-logo", path, version],
    queryFn: async () => (await api.blob(path!.replace(/^\/api\/v1\//, ""), { accept: "image/png, image/jpeg", business: false })).blob,
    enabled: !!path,
    staleTime: Infinity,
  });
  const url = useMemo(() => (q.data ? URL.createObjectURL(q.data) : null), [q.data]);
  // The previous URL is released once a new one replaces it (not on cleanup, which StrictMode replays).
  const previous = useRef<string | null>(null);
  useEffect(() => {
    if (previous.current && previous.current !== url) URL.revokeObjectURL(previous.current);
    previous.current = url;
  }, [url]);
  return path ? url : null;
}

/** The business-wide module switches (member-specific ones are left alone). */
export function useBusinessModules() {
  return useQuery({
    queryKey: bizKey("core/module-assignments/", "business"),
    queryFn: () => api.get<Paginated<ModuleAssignment>>("core/module-assignments/", { page_size: 200 }),
    select: (page) => page.results.filter((a) => a.membership === null),
  });
}

export function useSetModule() {
  return useMutation({
    mutationFn: ({ module, enabled, existing }: { module: ModuleName; enabled: boolean; existing?: ModuleAssignment }) =>
      existing
        ? api.patch<ModuleAssignment>(`core/module-assignments/${existing.id}/`, { enabled })
        : api.post<ModuleAssignment>("core/module-assignments/", { module, enabled, membership: null }),
    onSuccess: async () => {
      await Promise.all([invalidateBusiness(), queryClient.invalidateQueries({ queryKey: ["me"] })]);
    },
  });
}
