/** React access to the connection state and the current user's outbox. */
import { useEffect, useSyncExternalStore } from "react";
import { create } from "zustand";
import { tokens } from "@/lib/client";
import { useSession } from "@/stores/session";
import { jwtUserId } from "./ids";
import { outboxList, ownerOf, subscribeOutbox, type OutboxItem } from "./outbox";

function subscribeOnline(cb: () => void) {
  window.addEventListener("online", cb);
  window.addEventListener("offline", cb);
  return () => {
    window.removeEventListener("online", cb);
    window.removeEventListener("offline", cb);
  };
}

export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribeOnline,
    () => navigator.onLine,
    () => true,
  );
}

/** The signed-in user and active business that outbox items and saved data belong to. */
export function currentOwner(): string | null {
  return ownerOf(jwtUserId(tokens.getRefresh()), useSession.getState().businessId);
}

interface OutboxState {
  owner: string | null;
  items: OutboxItem[];
  load: () => Promise<void>;
}

export const useOutboxStore = create<OutboxState>()((set) => ({
  owner: null,
  items: [],
  load: async () => {
    const owner = currentOwner();
    try {
      set({ owner, items: owner ? await outboxList(owner) : [] });
    } catch {
      set({ owner, items: [] });
    }
  },
}));

let wired = false;
function wire() {
  if (wired) return;
  wired = true;
  subscribeOutbox(() => void useOutboxStore.getState().load());
  useSession.subscribe((s, prev) => {
    if (s.businessId !== prev.businessId || s.authed !== prev.authed) void useOutboxStore.getState().load();
  });
}

/** The current user's outbox items in the active business (oldest first). */
export function useOutbox(): OutboxItem[] {
  const items = useOutboxStore((s) => s.items);
  const owner = useOutboxStore((s) => s.owner);
  const businessId = useSession((s) => s.businessId);
  useEffect(() => {
    wire();
    void useOutboxStore.getState().load();
  }, [businessId]);
  return owner === currentOwner() ? items : [];
}
