/** Client-side session state: who is signed in, which business is active, and the UI language. */
import { create } from "zustand";
import { createJSONStorage, persist } from "zustand/middleware";
import type { Lang, Me, MembershipRef, ModuleName, Role } from "@/lib/types";

interface SessionState {
  authed: boolean;
  user: Me | null;
  businessId: number | null;
  lang: Lang;
  /** shown once on the login page after a refresh failed */
  expiredNotice: boolean;
  signedIn: () => void;
  signedOut: (opts?: { expired?: boolean }) => void;
  setUser: (user: Me) => void;
  setBusiness: (id: number | null) => void;
  setLang: (lang: Lang) => void;
  dismissExpired: () => void;
}

function hasStoredSession(): boolean {
  try {
    return typeof localStorage !== "undefined" && !!localStorage.getItem("kavi.refresh");
  } catch {
    return false;
  }
}

export const useSession = create<SessionState>()(
  persist(
    (set, get) => ({
      authed: hasStoredSession(),
      user: null,
      businessId: null,
      lang: "en",
      expiredNotice: false,
      signedIn: () => set({ authed: true, expiredNotice: false }),
      signedOut: (opts) => set({ authed: false, user: null, expiredNotice: !!opts?.expired }),
      setUser: (user) => {
        const current = get().businessId;
        const ids = user.memberships.map((m) => m.business.id);
        // Keep the persisted choice while it is still one of the user's businesses.
        const businessId = current !== null && ids.includes(current) ? current : ids[0] ?? null;
        set({ user, businessId });
      },
      setBusiness: (id) => set({ businessId: id }),
      setLang: (lang) => set({ lang }),
      dismissExpired: () => set({ expiredNotice: false }),
    }),
    {
      name: "kavi.session",
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ businessId: s.businessId, lang: s.lang }),
    },
  ),
);

export function activeMembership(user: Me | null, businessId: number | null): MembershipRef | null {
  if (!user || businessId === null) return null;
  return user.memberships.find((m) => m.business.id === businessId) ?? null;
}

/** The signed-in user's role in the active business; super admins act as owners. */
export function useRole(): Role | null {
  return useSession((s) => {
    if (s.user?.is_superuser) return "owner";
    return activeMembership(s.user, s.businessId)?.role ?? null;
  });
}

export function useActiveBusiness() {
  return useSession((s) => activeMembership(s.user, s.businessId)?.business ?? null);
}

/**
 * Whether a feature module is on for the signed-in member of the active business (the API answers
 * 403 module_disabled on a module that is off, so the app hides it). Unknown means on.
 */
export function useModuleOn(): (module: ModuleName | undefined) => boolean {
  const modules = useSession((s) => (s.user?.is_superuser ? null : activeMembership(s.user, s.businessId)?.modules ?? null));
  return (module) => !module || !modules || modules[module] !== false;
}
