/** Browser speech helpers: recognition where the browser has it, and speech through /kavi/tts/ or the browser. */
import { ApiError } from "@/lib/api";
import { kaviSpeech } from "../api";
import { tr } from "@/lib/i18n";
import type { Lang } from "@/lib/types";

// Minimal typings: SpeechRecognition is not in TypeScript's DOM lib everywhere.
export interface RecognitionLike {
  lang: string;
  interimResults: boolean;
  continuous: boolean;
  maxAlternatives: number;
  start(): void;
  stop(): void;
  abort(): void;
  onresult: ((e: { results: ArrayLike<ArrayLike<{ transcript: string }> & { isFinal: boolean }> }) => void) | null;
  onerror: ((e: { error: string }) => void) | null;
  onend: (() => void) | null;
}

type RecognitionCtor = new () => RecognitionLike;

export function getRecognitionCtor(): RecognitionCtor | null {
  if (typeof window === "undefined") return null;
  const w = window as unknown as { SpeechRecognition?: RecognitionCtor; webkitSpeechRecognition?: RecognitionCtor };
  return w.SpeechRecognition ?? w.webkitSpeechRecognition ?? null;
}

export const speechLang = (lang: Lang) => (lang === "sw" ? "sw-KE" : "en-KE");

let serverTtsUnavailable = false;
let currentAudio: HTMLAudioElement | null = null;
let currentUrl: string | null = null;

export function browserCanSpeak(): boolean {
  return typeof window !== "undefined" && "speechSynthesis" in window;
}

export function stopSpeaking() {
  if (currentAudio) {
    currentAudio.pause();
    currentAudio = null;
  }
  if (currentUrl) {
    URL.revokeObjectURL(currentUrl);
    currentUrl = null;
  }
  if (browserCanSpeak()) window.speechSynthesis.cancel();
}

function speakWithBrowser(text: string, lang: Lang): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!browserCanSpeak()) {
      reject(new Error(tr("kavi.panel.cantSpeak")));
      return;
    }
    const utterance = new SpeechSynthesisUtterance(text);
    const wanted = speechLang(lang);
    utterance.lang = wanted;
    const voices = window.speechSynthesis.getVoices();
    const voice = voices.find((v) => v.lang === wanted) ?? voices.find((v) => v.lang.startsWith(lang));
    if (voice) utterance.voice = voice;
    utterance.onend = () => resolve();
    utterance.onerror = () => resolve();
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
  });
}

/** Plays the server's audio; false when the browser can't play it. */
function playAudio(blob: Blob): Promise<boolean> {
  const url = URL.createObjectURL(blob);
  currentUrl = url;
  const audio = new Audio(url);
  currentAudio = audio;
  return new Promise<boolean>((resolve) => {
    audio.onended = () => resolve(true);
    audio.onerror = () => resolve(false);
    audio.play().catch((err: unknown) => resolve((err as { name?: string })?.name === "AbortError"));
  });
}

/**
 * Speaks through the server's voice, and with the browser's own voice whenever that fails: no
 * provider (503 tts_unavailable, remembered for the session), a network or server error, or audio
 * the browser can't play. The fallback is silent: the user hears the answer either way.
 */
export async function speak(text: string, lang: Lang): Promise<void> {
  stopSpeaking();
  if (!serverTtsUnavailable) {
    try {
      // JSON as well: an error (503 tts_unavailable, 429) comes back as JSON, never as a 406.
      const { blob, contentType } = await kaviSpeech(text, lang);
      if (contentType?.startsWith("audio/") && (await playAudio(blob))) return;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 503 || err.code === "tts_unavailable")) serverTtsUnavailable = true;
    }
  }
  await speakWithBrowser(text, lang);
}

export function canSpeakAtAll(): boolean {
  return !serverTtsUnavailable || browserCanSpeak();
}
