/** The app's IndexedDB: the offline outbox and the saved query cache (one snapshot per user + business). */
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import type { OutboxItem } from "./outbox";

export interface QuerySnapshot {
  /** `${userId}:${businessId}` */
  key: string;
  userId: string;
  savedAt: number;
  version: number;
  state: unknown;
}

interface KaviOfflineDB extends DBSchema {
  outbox: { key: string; value: OutboxItem; indexes: { owner: string } };
  queries: { key: string; value: QuerySnapshot };
}

const NAME = "kavi-offline";
let dbPromise: Promise<IDBPDatabase<KaviOfflineDB>> | null = null;

export function offlineDb(): Promise<IDBPDatabase<KaviOfflineDB>> {
  dbPromise ??= openDB<KaviOfflineDB>(NAME, 1, {
    upgrade(db) {
      const outbox = db.createObjectStore("outbox", { keyPath: "id" });
      outbox.createIndex("owner", "owner");
      db.createObjectStore("queries", { keyPath: "key" });
    },
    blocking() {
      // A newer tab wants to upgrade: let it.
      void dbPromise?.then((d) => d.close());
      dbPromise = null;
    },
  });
  return dbPromise;
}

/** Tests start each case from an empty database. */
export async function closeOfflineDbForTests() {
  const d = await dbPromise;
  d?.close();
  dbPromise = null;
}
