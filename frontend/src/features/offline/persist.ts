/**
 * The last data the user saw, kept in IndexedDB so the app opens offline with it. One snapshot per
 * user and business; everything is wiped when the user signs out or another user signs in, so
 * nothing leaks to the next person on a shared phone.
 */
import { dehydrate, hydrate, type DehydratedState, type Query, type QueryClient } from "@tanstack/react-query";
import { offlineDb } from "./db";

const VERSION = 1;
/** Older snapshots are dropped: a week-old balance is no longer "the last data you saw". */
const MAX_AGE_MS = 7 * 24 * 60 * 60_000;
const THROTTLE_MS = 1_000;

export interface Scope {
  userId: string;
  businessId: number;
}

const keyOf = (s: Scope) => `${s.userId}:${s.businessId}`;

/** The queries worth keeping for this scope: the user, and the active business's data. */
function keep(scope: Scope) {
  return (query: Query) => {
    if (query.state.status !== "success" || query.state.data === undefined) return false;
    const [head, biz] = query.queryKey as unknown[];
    if (head === "me") return true;
    return head === "biz" && biz === scope.businessId;
  };
}

/** Puts the saved snapshot for this scope into the query client (before the first render). */
export async function restoreQueries(client: QueryClient, scope: Scope): Promise<boolean> {
  const db = await offlineDb();
  const snap = await db.get("queries", keyOf(scope));
  if (!snap) return false;
  if (snap.version !== VERSION || snap.userId !== scope.userId || Date.now() - snap.savedAt > MAX_AGE_MS) {
    await db.delete("queries", keyOf(scope));
    return false;
  }
  hydrate(client, snap.state as DehydratedState);
  // Shown at once, but never taken for fresh: online, every restored query is fetched again on
  // mount (the signed-in user's language or role may have changed since it was saved).
  await client.invalidateQueries({ refetchType: "none" });
  return true;
}

export async function saveQueries(client: QueryClient, scope: Scope): Promise<void> {
  const state = dehydrate(client, { shouldDehydrateQuery: keep(scope) });
  const db = await offlineDb();
  await db.put("queries", { key: keyOf(scope), userId: scope.userId, savedAt: Date.now(), version: VERSION, state });
}

/** Deletes the saved snapshots: all of them, or all but this user's. */
export async function clearSavedQueries(exceptUserId?: string | null): Promise<void> {
  const db = await offlineDb();
  const tx = db.transaction("queries", "readwrite");
  let cursor = await tx.store.openCursor();
  while (cursor) {
    if (!exceptUserId || cursor.value.userId !== exceptUserId) await cursor.delete();
    cursor = await cursor.continue();
  }
  await tx.done;
}

/** Saves the snapshot (throttled) whenever a query's data changes; returns the unsubscribe. */
export function persistQueries(client: QueryClient, getScope: () => Scope | null): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    const scope = getScope();
    if (scope) void saveQueries(client, scope).catch(() => undefined);
  };
  const unsubscribe = client.getQueryCache().subscribe((event) => {
    if (event.type !== "updated" || event.action.type !== "success") return;
    if (!timer) timer = setTimeout(flush, THROTTLE_MS);
  });
  const onHide = () => {
    if (document.visibilityState !== "visible" && timer) {
      clearTimeout(timer);
      flush();
    }
  };
  if (typeof document !== "undefined") document.addEventListener("visibilitychange", onHide);
  if (typeof window !== "undefined") window.addEventListener("pagehide", onHide);
  return () => {
    if (typeof window !== "undefined") window.removeEventListener("pagehide", onHide);
    unsubscribe();
    if (timer) clearTimeout(timer);
    if (typeof document !== "undefined") document.removeEventListener("visibilitychange", onHide);
  };
}
