/**
 * The offline outbox: creates recorded without a connection (a transaction or an expense) wait in
 * IndexedDB and are sent when the connection is back. Each item carries the Idempotency-Key chosen
 * when it was recorded, so however often a send is retried (a timeout after the server saved it,
 * two tabs syncing at once) the server records it exactly once.
 */
import { ApiError, errorMessage } from "@/lib/api";
import { offlineDb } from "./db";

export type OutboxStatus = "queued" | "failed";

export interface OutboxForm {
  fields: Array<[string, string]>;
  file?: Blob;
  fileName?: string;
  fileField?: string;
}

export interface OutboxItem {
  /** the Idempotency-Key, a UUID chosen when the item was recorded */
  id: string;
  /** `${userId}:${businessId}`: only that user, in that business, sees and sends it */
  owner: string;
  userId: string;
  businessId: number;
  kind: "transaction";
  path: string;
  json?: Record<string, unknown>;
  form?: OutboxForm;
  createdAt: number;
  status: OutboxStatus;
  attempts: number;
  lastAttemptAt?: number;
  /** the server's message when it refused the item */
  error?: string;
  /** the server's error code when it refused the item (e.g. idempotency_conflict) */
  errorCode?: string;
}

export type NewOutboxItem = Pick<OutboxItem, "id" | "userId" | "businessId" | "kind" | "path" | "json" | "form">;

export function ownerOf(userId: string | null, businessId: number | null): string | null {
  return userId && businessId !== null ? `${userId}:${businessId}` : null;
}

// --- change notifications (this tab and the others) -------------------------------------------
type Listener = () => void;
const listeners = new Set<Listener>();
const channel: BroadcastChannel | null = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("kavi-outbox") : null;
channel?.addEventListener("message", () => listeners.forEach((l) => l()));
// Node (the unit tests) would otherwise keep running for the open channel.
(channel as (BroadcastChannel & { unref?: () => void }) | null)?.unref?.();

export function subscribeOutbox(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed() {
  listeners.forEach((l) => l());
  try {
    channel?.postMessage("changed");
  } catch {
    /* a closed channel: the other tabs refresh on their next event */
  }
}

// --- storage ----------------------------------------------------------------------------------
export async function outboxAdd(input: NewOutboxItem): Promise<OutboxItem> {
  const item: OutboxItem = {
    ...input,
    owner: ownerOf(input.userId, input.businessId)!,
    createdAt: Date.now(),
    status: "queued",
    attempts: 0,
  };
  const db = await offlineDb();
  await db.put("outbox", item);
  changed();
  return item;
}

/** The owner's items, oldest first. */
export async function outboxList(owner: string): Promise<OutboxItem[]> {
  const db = await offlineDb();
  const items = await db.getAllFromIndex("outbox", "owner", owner);
  return items.sort((a, b) => a.createdAt - b.createdAt);
}

export async function outboxGet(id: string): Promise<OutboxItem | undefined> {
  return (await offlineDb()).get("outbox", id);
}

export async function outboxRemove(id: string): Promise<void> {
  await (await offlineDb()).delete("outbox", id);
  changed();
}

/** A failed item goes back in the queue with the same Idempotency-Key. */
export async function outboxRetry(id: string): Promise<void> {
  const db = await offlineDb();
  const item = await db.get("outbox", id);
  if (!item) return;
  await db.put("outbox", { ...item, status: "queued", error: undefined, errorCode: undefined });
  changed();
}

async function update(id: string, patch: Partial<OutboxItem>) {
  const db = await offlineDb();
  const item = await db.get("outbox", id);
  if (item) await db.put("outbox", { ...item, ...patch });
}

// --- sending ----------------------------------------------------------------------------------
export type Sender = (item: OutboxItem) => Promise<unknown>;

/**
 * What a failed send means. `retry`: the server may not have seen it, or can't answer now (no
 * connection, 5xx, 503, 429, the same key still being processed, an expired session): keep it
 * queued. `failed`: the server refused it (any other 4xx): show the user its message.
 */
export function classifySendError(err: unknown): "retry" | "failed" {
  if (!(err instanceof ApiError)) return "retry";
  if (err.status === 0 || err.status >= 500 || err.status === 408 || err.status === 429) return "retry";
  if (err.status === 401) return "retry";
  if (err.status === 409 && err.code === "idempotency_in_progress") return "retry";
  return "failed";
}

/** The server's reasons, field by field, since the form that would show them is long closed. */
export function refusalMessage(err: unknown): string {
  if (!(err instanceof ApiError)) return errorMessage(err);
  const parts = Object.entries(err.fields).map(([field, msgs]) =>
    field === "non_field_errors" ? msgs.join(" ") : `${field.replace(/_/g, " ")}: ${msgs.join(" ")}`,
  );
  return parts.length ? parts.join(" ") : errorMessage(err);
}

export interface SyncResult {
  sent: number;
  failed: number;
  /** items still queued (a later attempt will send them) */
  queued: number;
}

/**
 * Sends the owner's queued items in order. A success removes the item; a refusal marks it failed;
 * anything else stops the run (the connection is likely down) and leaves the rest queued.
 */
export async function outboxSync(owner: string, send: Sender): Promise<SyncResult> {
  const result: SyncResult = { sent: 0, failed: 0, queued: 0 };
  const items = (await outboxList(owner)).filter((i) => i.status === "queued");
  let stopped = false;
  for (const item of items) {
    if (stopped) {
      result.queued += 1;
      continue;
    }
    try {
      await send(item);
      await (await offlineDb()).delete("outbox", item.id);
      result.sent += 1;
    } catch (err) {
      const attempt = { attempts: item.attempts + 1, lastAttemptAt: Date.now() };
      if (classifySendError(err) === "failed") {
        await update(item.id, { ...attempt, status: "failed", error: refusalMessage(err), errorCode: err instanceof ApiError ? err.code : undefined });
        result.failed += 1;
      } else {
        await update(item.id, attempt);
        result.queued += 1;
        stopped = true;
      }
    }
  }
  if (items.length) changed();
  return result;
}

/** Rebuilds the request body: JSON, or the form with its receipt file. */
export function outboxBody(item: OutboxItem): { json?: unknown; form?: FormData } {
  if (item.form) {
    const fd = new FormData();
    for (const [k, v] of item.form.fields) fd.append(k, v);
    if (item.form.file) fd.append(item.form.fileField ?? "receipt", item.form.file, item.form.fileName ?? "receipt");
    return { form: fd };
  }
  return { json: item.json ?? {} };
}
