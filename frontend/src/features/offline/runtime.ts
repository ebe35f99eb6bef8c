/**
 * Starts the offline machinery once, before the first render: restores the last data the user saw,
 * keeps saving it, wipes it on sign-out or when another user signs in, and sends the outbox.
 */
import { toast } from "@/components/ui/toast";
import { api, invalidateBusiness, queryClient, tokens } from "@/lib/client";
import { tr, interpolate } from "@/lib/i18n";
import { useSession } from "@/stores/session";
import { currentOwner } from "./hooks";
import { jwtUserId } from "./ids";
import { outboxBody, type OutboxItem } from "./outbox";
import { clearSavedQueries, persistQueries, restoreQueries, type Scope } from "./persist";
import { startOutboxSync } from "./sync";

function scope(): Scope | null {
  const userId = jwtUserId(tokens.getRefresh());
  const businessId = useSession.getState().businessId;
  if (!userId || businessId === null || !useSession.getState().authed) return null;
  return { userId, businessId };
}

/** Sends one queued item with its own Idempotency-Key and business. */
export function sendOutboxItem(item: OutboxItem) {
  return api.request(item.path, {
    method: "POST",
    ...outboxBody(item),
    headers: { "Idempotency-Key": item.id, "X-Business-ID": String(item.businessId) },
  });
}

let sync: ReturnType<typeof startOutboxSync> | null = null;

/** Try sending now (the banner's "Sync now"). */
export function syncNow() {
  return sync?.kick();
}

export async function startOffline(): Promise<void> {
  const initial = scope();
  try {
    const userId = jwtUserId(tokens.getRefresh());
    // Another user's data never survives on this device; a signed-out device keeps none.
    await clearSavedQueries(userId);
    if (initial) {
      // Never hold the first paint hostage to a slow disk.
      await Promise.race([restoreQueries(queryClient, initial), new Promise((r) => setTimeout(r, 1_500))]);
    }
  } catch {
    /* IndexedDB unavailable (private mode on some browsers): the app works online as before */
  }

  persistQueries(queryClient, scope);

  useSession.subscribe((s, prev) => {
    if (prev.authed && !s.authed) void clearSavedQueries().catch(() => undefined);
    if (!prev.authed && s.authed) void clearSavedQueries(jwtUserId(tokens.getRefresh())).catch(() => undefined);
    if (s.authed && (s.businessId !== prev.businessId || !prev.authed)) void sync?.kick();
  });

  sync = startOutboxSync({
    send: sendOutboxItem,
    getOwner: currentOwner,
    onResult: (r) => {
      if (r.sent > 0) {
        void invalidateBusiness();
        toast.success(r.sent === 1 ? tr("offline.synced.one") : interpolate(tr("offline.synced.many"), { count: r.sent }));
      }
      if (r.failed > 0) toast.error(tr("offline.sync.failedToast"));
    },
  });
}
