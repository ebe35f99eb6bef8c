/** The app-wide API client and query client. */
import { onlineManager, QueryClient, type Query } from "@tanstack/react-query";
import { useSession } from "@/stores/session";
import { ApiError, createApiClient } from "./api";
import { createBrowserTokenStore } from "./tokens";

export const API_BASE_URL: string = (import.meta.env.VITE_API_BASE_URL as string | undefined) ?? "";

export const tokens = createBrowserTokenStore();

type ExpiredHandler = () => void;
let onExpired: ExpiredHandler = () => undefined;
export function setSessionExpiredHandler(handler: ExpiredHandler) {
  onExpired = handler;
}

// Web Locks serialise token refreshes across tabs that share the stored refresh token.
const lock = <T,>(fn: () => Promise<T>): Promise<T> => {
  const locks = typeof navigator !== "undefined" ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  return locks ? (locks.request("kavi-token-refresh", fn) as Promise<T>) : fn();
};

export const api = createApiClient({
  baseUrl: API_BASE_URL,
  tokens,
  getBusinessId: () => useSession.getState().businessId,
  onSessionExpired: () => onExpired(),
  lock,
});

/**
 * Offline first: a query runs even without a connection ("offlineFirst") so a page without saved
 * data fails fast into a clear offline state instead of waiting forever; a page with saved data
 * (restored from IndexedDB) shows it and doesn't try to refetch until the connection is back.
 */
const refetchWhenOnline = (query: Query) => onlineManager.isOnline() || query.state.data === undefined;
// TanStack assumes "online" until an event says otherwise; a page opened offline starts offline.
if (typeof navigator !== "undefined" && navigator.onLine === false) onlineManager.setOnline(false);

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // Kept a day so the data restored for offline use isn't dropped before it is saved again.
      gcTime: 24 * 60 * 60_000,
      networkMode: "offlineFirst",
      refetchOnMount: refetchWhenOnline,
      refetchOnWindowFocus: false,
      retry: (failureCount, error) => {
        if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
        if (error instanceof ApiError && error.status === 0 && !onlineManager.isOnline()) return false;
        return failureCount < 2;
      },
    },
    // A write without a connection fails at once with a clear message (creates that can wait
    // go to the offline outbox instead) rather than spinning until the connection returns.
    mutations: { retry: false, networkMode: "always" },
  },
});

/** Query keys for business-scoped data start with the active business, so a switch never shows stale data. */
export function bizKey(...parts: unknown[]): unknown[] {
  return ["biz", useSession.getState().businessId, ...parts];
}

/** After any write, everything about the business may have changed (dashboard, lists, KAVI figures). */
export function invalidateBusiness() {
  return queryClient.invalidateQueries({ queryKey: ["biz"] });
}
