import { create } from "zustand";

interface UiState {
  kaviOpen: boolean;
  /** a question another page asked KAVI to send when it opens */
  kaviPrompt: string | null;
  openKavi: (prompt?: string) => void;
  closeKavi: () => void;
  takePrompt: () => string | null;
}

export const useUi = create<UiState>()((set, get) => ({
  kaviOpen: false,
  kaviPrompt: null,
  openKavi: (prompt) => set({ kaviOpen: true, kaviPrompt: prompt ?? null }),
  closeKavi: () => set({ kaviOpen: false }),
  takePrompt: () => {
    const p = get().kaviPrompt;
    if (p) set({ kaviPrompt: null });
    return p;
  },
}));
