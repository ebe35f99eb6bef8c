import { useMutation, useQuery, type UseQueryOptions } from "@tanstack/react-query";
import { useEffect } from "react";
import { useSession } from "@/stores/session";
import { api, bizKey, invalidateBusiness } from "./client";
import { ApiError, type QueryValue } from "./api";
import type { Customer, Me, Paginated, Supplier } from "./types";

/** The signed-in user with memberships; keeps the session store in step. */
export function useMe(enabled = true) {
  const setUser = useSession((s) => s.setUser);
  const setLang = useSession((s) => s.setLang);
  const query = useQuery({
    queryKey: ["me"],
    queryFn: () => api.get<Me>("users/me/", undefined, { business: false }),
    enabled,
    staleTime: 5 * 60_000,
  });
  useEffect(() => {
    if (!query.data) return;
    setUser(query.data);
    const pref = query.data.language_preference;
    if (pref === "en" || pref === "sw") setLang(pref);
  }, [query.data, setUser, setLang]);
  return query;
}

export function useList<T>(path: string, params: Record<string, QueryValue>, options?: Partial<UseQueryOptions<Paginated<T>>>) {
  return useQuery<Paginated<T>>({
    queryKey: bizKey(path, params),
    queryFn: ({ signal }) => api.get<Paginated<T>>(path, params, { signal }),
    placeholderData: (prev) => prev,
    ...options,
  });
}

/** Everything for a picker (customers, suppliers): the first 200, which covers an SME's list. */
export function useCustomerOptions() {
  return useQuery({
    queryKey: bizKey("users/customers/", "options"),
    queryFn: () => api.get<Paginated<Customer>>("users/customers/", { page_size: 200, ordering: "name" }),
    staleTime: 60_000,
  });
}

export function useSupplierOptions() {
  return useQuery({
    queryKey: bizKey("finance/suppliers/", "options"),
    queryFn: () => api.get<Paginated<Supplier>>("finance/suppliers/", { page_size: 200, ordering: "name" }),
    staleTime: 60_000,
  });
}

/** A mutation that refreshes every business query when it succeeds. */
export function useBizMutation<TVars, TData = unknown>(fn: (vars: TVars) => Promise<TData>, onSuccess?: (data: TData, vars: TVars) => void) {
  return useMutation<TData, unknown, TVars>({
    mutationFn: fn,
    onSuccess: async (data, vars) => {
      await invalidateBusiness();
      onSuccess?.(data, vars);
    },
  });
}

/** First server error for a form field (or undefined). */
export function fieldError(error: unknown, name: string): string | undefined {
  return error instanceof ApiError ? error.fieldError(name) : undefined;
}

/** A form-level message: non-field errors, or the detail when no field error explains it. */
export function formError(error: unknown, knownFields: string[] = []): string | null {
  if (!error) return null;
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : "Something went wrong.";
  const unknown = Object.entries(error.fields).filter(([k]) => k !== "non_field_errors" && !knownFields.includes(k));
  const parts = [...error.nonFieldErrors, ...unknown.map(([k, v]) => `${k.replace(/_/g, " ")}: ${v.join(" ")}`)];
  if (parts.length) return parts.join(" ");
  if (Object.keys(error.fields).length) return null;
  return error.detail;
}
