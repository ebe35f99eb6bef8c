import type { TokenStore } from "./api";

const ACCESS = "kavi.access";
const REFRESH = "kavi.refresh";

function safeStorage(): Storage | null {
  try {
    if (typeof localStorage === "undefined") return null;
    const probe = "kavi.probe";
    localStorage.setItem(probe, "1");
    localStorage.removeItem(probe);
    return localStorage;
  } catch {
    return null;
  }
}

/**
 * Tokens live in localStorage so every tab shares one session (and one refresh-token chain: a
 * stale rotated token would be treated by the server as stolen). Falls back to memory when
 * storage is unavailable (private mode).
 */
export function createBrowserTokenStore(): TokenStore & { onChange(cb: () => void): () => void } {
  const storage = safeStorage();
  const memory = new Map<string, string>();
  const get = (k: string) => (storage ? storage.getItem(k) : memory.get(k) ?? null);
  return {
    getAccess: () => get(ACCESS),
    getRefresh: () => get(REFRESH),
    setTokens(access, refresh) {
      if (storage) {
        storage.setItem(ACCESS, access);
        storage.setItem(REFRESH, refresh);
      } else {
        memory.set(ACCESS, access);
        memory.set(REFRESH, refresh);
      }
    },
    clear() {
      if (storage) {
        storage.removeItem(ACCESS);
        storage.removeItem(REFRESH);
      }
      memory.clear();
    },
    onChange(cb) {
      if (typeof window === "undefined") return () => undefined;
      const handler = (e: StorageEvent) => {
        if (e.key === REFRESH || e.key === null) cb();
      };
      window.addEventListener("storage", handler);
      return () => window.removeEventListener("storage", handler);
    },
  };
}

export function createMemoryTokenStore(initial?: { access?: string; refresh?: string }): TokenStore {
  let access = initial?.access ?? null;
  let refresh = initial?.refresh ?? null;
  return {
    getAccess: () => access,
    getRefresh: () => refresh,
    setTokens(a, r) {
      access = a;
      refresh = r;
    },
    clear() {
      access = null;
      refresh = null;
    },
  };
}
