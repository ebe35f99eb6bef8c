/** KAVI's endpoints: chat (a hook) and speech (a plain call, used by the speech helpers). */
import { useMutation } from "@tanstack/react-query";
import { api } from "@/lib/client";
import type { KaviReply, Lang } from "@/lib/types";

export interface KaviAsk {
  message: string;
  conversationId: string | number | null;
  /** asked by voice: the answer is read aloud */
  voice: boolean;
}

/**
 * POST kavi/chat/. The language is "auto": KAVI answers in the language the question was asked in,
 * whatever the UI language (the panel's own strings follow the UI).
 */
export function useKaviChat(handlers: { onSuccess: (reply: KaviReply, vars: KaviAsk) => void; onError: (err: unknown) => void }) {
  return useMutation({
    mutationFn: (vars: KaviAsk) =>
      api.post<KaviReply>("kavi/chat/", {
        message: vars.message,
        language: "auto",
        ...(vars.conversationId !== null ? { conversation_id: vars.conversationId } : {}),
      }),
    ...handlers,
  });
}

/** POST kavi/tts/: audio/mpeg, or JSON with an error (503 tts_unavailable when no provider is set up). */
export function kaviSpeech(text: string, language: Lang) {
  return api.blob("kavi/tts/", { method: "POST", json: { text, language }, accept: "audio/mpeg, application/json;q=0.5" });
}
