import "fake-indexeddb/auto";
import { IDBFactory } from "fake-indexeddb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api";
import { closeOfflineDbForTests } from "@/features/offline/db";
import { classifySendError, outboxAdd, outboxBody, outboxList, outboxRetry, outboxSync, type OutboxItem } from "@/features/offline/outbox";

const OWNER = "7:3";
const expense = (id: string, description = "Fuel for the van") => ({
  id,
  userId: "7",
  businessId: 3,
  kind: "transaction" as const,
  path: "finance/transactions/",
  json: { transaction_type: "expense", amount: "1500.00", description, transaction_date: "2026-03-14", payment_method: "cash" },
});

/** A fake server: remembers every key it was sent and answers from a script of outcomes. */
function server(script: Array<"ok" | ApiError>) {
  const keys: string[] = [];
  const bodies: unknown[] = [];
  const send = async (item: OutboxItem) => {
    keys.push(item.id);
    bodies.push(outboxBody(item).json);
    const next = script.shift() ?? "ok";
    if (next !== "ok") throw next;
    return { id: keys.length };
  };
  return { keys, bodies, send };
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});
afterEach(async () => {
  await closeOfflineDbForTests();
});

describe("offline outbox", () => {
  it("queues an item for its user and business only", async () => {
    await outboxAdd(expense("key-1"));
    const items = await outboxList(OWNER);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: "key-1", status: "queued", attempts: 0, owner: OWNER });
    expect(await outboxList("8:3")).toEqual([]);
    expect(await outboxList("7:4")).toEqual([]);
  });

  it("removes an item once the server accepted it", async () => {
    await outboxAdd(expense("key-1"));
    const s = server(["ok"]);
    const result = await outboxSync(OWNER, s.send);
    expect(result).toEqual({ sent: 1, failed: 0, queued: 0 });
    expect(s.keys).toEqual(["key-1"]);
    expect(await outboxList(OWNER)).toEqual([]);
  });

  it("keeps the item queued on a network failure and retries with the same key and body", async () => {
    await outboxAdd(expense("key-1"));
    const s = server([ApiError.network(), ApiError.from(503, { code: "database_unavailable", detail: "Down" }), "ok"]);
    expect(await outboxSync(OWNER, s.send)).toEqual({ sent: 0, failed: 0, queued: 1 });
    expect((await outboxList(OWNER))[0]).toMatchObject({ id: "key-1", status: "queued", attempts: 1 });
    expect(await outboxSync(OWNER, s.send)).toEqual({ sent: 0, failed: 0, queued: 1 });
    expect((await outboxList(OWNER))[0]).toMatchObject({ status: "queued", attempts: 2 });
    expect(await outboxSync(OWNER, s.send)).toEqual({ sent: 1, failed: 0, queued: 0 });
    expect(s.keys).toEqual(["key-1", "key-1", "key-1"]);
    expect(new Set(s.bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(await outboxList(OWNER)).toEqual([]);
  });

  it("stops at the first failure that may be the connection and leaves the rest queued, in order", async () => {
    await outboxAdd(expense("a", "first"));
    await new Promise((r) => setTimeout(r, 2));
    await outboxAdd(expense("b", "second"));
    const s = server([ApiError.network()]);
    expect(await outboxSync(OWNER, s.send)).toEqual({ sent: 0, failed: 0, queued: 2 });
    expect(s.keys).toEqual(["a"]);
    expect(await outboxSync(OWNER, s.send)).toEqual({ sent: 2, failed: 0, queued: 0 });
    expect(s.keys).toEqual(["a", "a", "b"]);
  });

  it("marks a refused item failed with the server's message, and a retry puts it back with the same key", async () => {
    await outboxAdd(expense("key-1"));
    const refused = ApiError.from(400, { code: "invalid", detail: "Invalid input.", fields: { amount: ["Ensure this value is greater than 0."] } });
    const s = server([refused, "ok"]);
    expect(await outboxSync(OWNER, s.send)).toEqual({ sent: 0, failed: 1, queued: 0 });
    const [failed] = await outboxList(OWNER);
    expect(failed).toMatchObject({ id: "key-1", status: "failed", attempts: 1, errorCode: "invalid" });
    expect(failed.error).toBe("amount: Ensure this value is greater than 0.");
    // A failed item is not sent again by itself.
    expect(await outboxSync(OWNER, s.send)).toEqual({ sent: 0, failed: 0, queued: 0 });
    expect(s.keys).toEqual(["key-1"]);
    await outboxRetry("key-1");
    expect((await outboxList(OWNER))[0]).toMatchObject({ id: "key-1", status: "queued" });
    expect(await outboxSync(OWNER, s.send)).toEqual({ sent: 1, failed: 0, queued: 0 });
    expect(s.keys).toEqual(["key-1", "key-1"]);
  });

  it("tells a refusal from a failure worth retrying", () => {
    expect(classifySendError(ApiError.network())).toBe("retry");
    expect(classifySendError(ApiError.from(500, null))).toBe("retry");
    expect(classifySendError(ApiError.from(503, { code: "database_unavailable" }))).toBe("retry");
    expect(classifySendError(ApiError.from(429, null))).toBe("retry");
    expect(classifySendError(ApiError.from(409, { code: "idempotency_in_progress", detail: "still running" }))).toBe("retry");
    expect(classifySendError(ApiError.from(400, { detail: "bad" }))).toBe("failed");
    expect(classifySendError(ApiError.from(403, { code: "permission_denied" }))).toBe("failed");
    expect(classifySendError(ApiError.from(409, { code: "idempotency_conflict", detail: "different body" }))).toBe("failed");
  });
});

describe("outbox sync loop", () => {
  it("retries on a timer with the same key until the server takes it, then stops", async () => {
    const { startOutboxSync } = await import("@/features/offline/sync");
    await outboxAdd(expense("key-9"));
    const s = server([ApiError.network(), ApiError.from(503, { code: "database_unavailable" }), "ok"]);
    const results: Array<{ sent: number; queued: number }> = [];
    const sync = startOutboxSync({ send: s.send, getOwner: () => OWNER, isOnline: () => true, minDelayMs: 10, maxDelayMs: 40, onResult: (r) => results.push(r) });
    try {
      for (let i = 0; i < 100 && (await outboxList(OWNER)).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await outboxList(OWNER)).toEqual([]);
      expect(s.keys).toEqual(["key-9", "key-9", "key-9"]);
      expect(results.map((r) => r.sent)).toEqual([0, 0, 1]);
      await new Promise((r) => setTimeout(r, 150));
      expect(s.keys).toHaveLength(3); // nothing left: no more attempts
    } finally {
      sync.stop();
    }
  });

  it("does nothing while offline", async () => {
    const { startOutboxSync } = await import("@/features/offline/sync");
    await outboxAdd(expense("key-10"));
    const s = server([]);
    const sync = startOutboxSync({ send: s.send, getOwner: () => OWNER, isOnline: () => false, minDelayMs: 10 });
    try {
      await new Promise((r) => setTimeout(r, 60));
      expect(s.keys).toEqual([]);
      expect((await outboxList(OWNER))[0]).toMatchObject({ id: "key-10", status: "queued", attempts: 0 });
    } finally {
      sync.stop();
    }
  });
});
