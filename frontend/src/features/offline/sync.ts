/**
 * Sends the outbox when it can: at start, when the browser comes back online, right after an item
 * is queued, and on a retry timer that backs off (2 s, 4 s, 8 s … up to 5 minutes) while sends
 * keep failing. Web Locks keep two tabs from sending at the same moment (the Idempotency-Key would
 * make that harmless anyway).
 */
import { outboxSync, subscribeOutbox, type Sender, type SyncResult } from "./outbox";

export interface SyncOptions {
  send: Sender;
  getOwner: () => string | null;
  onResult?: (result: SyncResult) => void;
  isOnline?: () => boolean;
  minDelayMs?: number;
  maxDelayMs?: number;
}

export function startOutboxSync(options: SyncOptions) {
  const isOnline = options.isOnline ?? (() => (typeof navigator === "undefined" ? true : navigator.onLine));
  const minDelay = options.minDelayMs ?? 2_000;
  const maxDelay = options.maxDelayMs ?? 5 * 60_000;
  let delay = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  // Set while this tab's own sync writes the outbox, so its change notices don't start another run.
  let syncing = false;

  const schedule = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    delay = Math.min(maxDelay, Math.max(minDelay, delay * 2));
    const jitter = Math.round(delay * 0.2 * Math.random());
    timer = setTimeout(() => void kick(), delay + jitter);
  };

  const once = async () => {
    const owner = options.getOwner();
    if (!owner || !isOnline()) return;
    const locks = typeof navigator !== "undefined" ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
    const run = async () => {
      syncing = true;
      try {
        return await outboxSync(owner, options.send);
      } finally {
        syncing = false;
      }
    };
    const result = locks ? ((await locks.request("kavi-outbox-sync", { ifAvailable: true }, (lock) => (lock ? run() : null))) as SyncResult | null) : await run();
    if (!result) {
      schedule(); // another tab is sending; look again later
      return;
    }
    options.onResult?.(result);
    if (result.queued > 0) schedule();
    else delay = 0;
  };

  async function kick(): Promise<void> {
    if (stopped) return;
    if (running) {
      again = true;
      return running;
    }
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await once();
        } while (again && !stopped && !timer);
      } catch {
        schedule();
      } finally {
        running = null;
      }
    })();
    return running;
  }

  const onOnline = () => {
    delay = 0;
    void kick();
  };
  if (typeof window !== "undefined") window.addEventListener("online", onOnline);
  const unsubscribe = subscribeOutbox(() => {
    // A newly queued or retried item: try now (after the current run), unless a backoff is pending.
    if (syncing) return;
    if (running) again = true;
    else if (!timer) void kick();
  });
  void kick();

  return {
    kick,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      unsubscribe();
      if (typeof window !== "undefined") window.removeEventListener("online", onOnline);
    },
  };
}
