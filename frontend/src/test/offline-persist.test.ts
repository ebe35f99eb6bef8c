import "fake-indexeddb/auto";
import { QueryClient } from "@tanstack/react-query";
import { IDBFactory } from "fake-indexeddb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { closeOfflineDbForTests, offlineDb } from "@/features/offline/db";
import { clearSavedQueries, restoreQueries, saveQueries } from "@/features/offline/persist";

function clientWithData() {
  const client = new QueryClient();
  client.setQueryData(["me"], { id: 7, email: "wanjiru@example.co.ke" });
  client.setQueryData(["biz", 3, "users/dashboard/"], { balance: "15450.50" });
  client.setQueryData(["biz", 4, "users/dashboard/"], { balance: "999.00" });
  return client;
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});
afterEach(async () => {
  await closeOfflineDbForTests();
});

describe("saved query data for offline use", () => {
  it("keeps the user and the active business's data only, and restores it for that user and business", async () => {
    await saveQueries(clientWithData(), { userId: "7", businessId: 3 });
    const restored = new QueryClient();
    expect(await restoreQueries(restored, { userId: "7", businessId: 3 })).toBe(true);
    expect(restored.getQueryData(["me"])).toEqual({ id: 7, email: "wanjiru@example.co.ke" });
    expect(restored.getQueryData(["biz", 3, "users/dashboard/"])).toEqual({ balance: "15450.50" });
    expect(restored.getQueryData(["biz", 4, "users/dashboard/"])).toBeUndefined();
    // Restored data is shown but never taken for fresh: online, it is fetched again on mount.
    expect(restored.getQueryState(["me"])?.isInvalidated).toBe(true);
  });

  it("gives another user or another business nothing", async () => {
    await saveQueries(clientWithData(), { userId: "7", businessId: 3 });
    const other = new QueryClient();
    expect(await restoreQueries(other, { userId: "8", businessId: 3 })).toBe(false);
    expect(await restoreQueries(other, { userId: "7", businessId: 4 })).toBe(false);
    expect(other.getQueryCache().getAll()).toHaveLength(0);
  });

  it("wipes everything on sign-out, and other users' data when someone signs in", async () => {
    await saveQueries(clientWithData(), { userId: "7", businessId: 3 });
    await saveQueries(clientWithData(), { userId: "8", businessId: 5 });
    await clearSavedQueries("8");
    const db = await offlineDb();
    expect((await db.getAll("queries")).map((s) => s.key)).toEqual(["8:5"]);
    await clearSavedQueries();
    expect(await db.count("queries")).toBe(0);
  });

  it("drops a snapshot older than a week", async () => {
    await saveQueries(clientWithData(), { userId: "7", businessId: 3 });
    const db = await offlineDb();
    const snap = (await db.get("queries", "7:3"))!;
    await db.put("queries", { ...snap, savedAt: snap.savedAt - 8 * 24 * 60 * 60_000 });
    expect(await restoreQueries(new QueryClient(), { userId: "7", businessId: 3 })).toBe(false);
    expect(await db.count("queries")).toBe(0);
  });
});
