import { Calculator, Mic, MicOff, RotateCcw, SendHorizontal, Sparkles, Square, Volume2 } from "lucide-react";
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { toast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/api";
import { invalidateBusiness } from "@/lib/client";
import { useKaviChat } from "../api";
import { useT, type MessageKey } from "@/lib/i18n";
import type { KaviSource } from "@/lib/types";
import { cn, humanize } from "@/lib/utils";
import { useSession } from "@/stores/session";
import { useUi } from "@/stores/ui";
import { browserCanSpeak, canSpeakAtAll, getRecognitionCtor, speak, speechLang, stopSpeaking, type RecognitionLike } from "./speech";

interface ChatMessage {
  id: number;
  role: "user" | "kavi";
  text: string;
  sources?: KaviSource[];
  error?: boolean;
}

const STARTERS: MessageKey[] = ["kavi.s1", "kavi.s2", "kavi.s3", "kavi.s4"];
let seq = 0;

function Sources({ sources }: { sources: KaviSource[] }) {
  return (
    <ul className="mt-2 space-y-1.5 rounded-md border bg-muted/40 p-2 text-xs" data-testid="kavi-sources">
      {sources.map((s, i) => (
        <li key={i}>
          <span className="font-medium">{humanize(s.tool)}</span>
          {s.params && Object.keys(s.params).length > 0 && (
            <span className="text-muted-foreground">
              {" "}
              ·{" "}
              {Object.entries(s.params)
                .map(([k, v]) => `${humanize(k)}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
                .join(" · ")}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

function KaviBubble({ message, onSpeak, speaking }: { message: ChatMessage; onSpeak: (m: ChatMessage) => void; speaking: boolean }) {
  const t = useT();
  const [showSources, setShowSources] = useState(false);
  const isUser = message.role === "user";
  return (
    <div className={cn("flex", isUser ? "justify-end" : "justify-start")}>
      <div
        data-testid="kavi-message"
        data-role={message.role}
        className={cn(
          "max-w-[85%] rounded-2xl px-3.5 py-2.5 text-sm leading-relaxed",
          isUser ? "rounded-br-sm bg-primary text-primary-foreground" : "rounded-bl-sm border bg-card",
          message.error && "border-destructive/40 text-destructive",
        )}
      >
        <p className="whitespace-pre-wrap break-words">{message.text}</p>
        {!isUser && !message.error && (
          <div className="mt-1.5 flex flex-wrap items-center gap-x-3 gap-y-1">
            {canSpeakAtAll() && (
              <button
                type="button"
                onClick={() => onSpeak(message)}
                className="inline-flex items-center gap-1 text-xs text-muted-foreground hover:text-foreground"
                data-testid="kavi-speak"
              >
                {speaking ? <Square className="size-3.5" /> : <Volume2 className="size-3.5" />}
                {speaking ? t("kavi.stopSpeaking") : t("kavi.speak")}
              </button>
            )}
            {message.sources && message.sources.length > 0 && (
              <button
                type="button"
                onClick={() => setShowSources((v) => !v)}
                aria-expanded={showSources}
                className="inline-flex items-center gap-1 text-xs text-primary hover:underline"
                data-testid="kavi-sources-toggle"
              >
                <Calculator className="size-3.5" />
                {showSources ? t("kavi.hideHow") : t("kavi.how")}
              </button>
            )}
          </div>
        )}
        {showSources && message.sources && <Sources sources={message.sources} />}
      </div>
    </div>
  );
}

export default function KaviPanel() {
  const t = useT();
  const lang = useSession((s) => s.lang);
  const open = useUi((s) => s.kaviOpen);
  const openKavi = useUi((s) => s.openKavi);
  const closeKavi = useUi((s) => s.closeKavi);

  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [suggestions, setSuggestions] = useState<string[]>([]);
  const [input, setInput] = useState("");
  const [conversationId, setConversationId] = useState<string | number | null>(null);
  const [listening, setListening] = useState(false);
  const [speakingId, setSpeakingId] = useState<number | null>(null);
  const [autoSpeak, setAutoSpeak] = useState(false);
  const recognitionRef = useRef<RecognitionLike | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const fabRef = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(open);
  const Recognition = getRecognitionCtor();

  const speakMessage = useCallback(
    async (m: ChatMessage) => {
      if (speakingId === m.id) {
        stopSpeaking();
        setSpeakingId(null);
        return;
      }
      setSpeakingId(m.id);
      try {
        await speak(m.text, lang);
      } catch (err) {
        toast.error(errorMessage(err));
      } finally {
        setSpeakingId((id) => (id === m.id ? null : id));
      }
    },
    [lang, speakingId],
  );

  const chat = useKaviChat({
    onSuccess: (reply, vars) => {
      setConversationId(reply.conversation_id ?? null);
      const msg: ChatMessage = { id: ++seq, role: "kavi", text: reply.message, sources: reply.sources ?? [] };
      setMessages((m) => [...m, msg]);
      setSuggestions(Array.isArray(reply.suggestions) ? reply.suggestions.filter((s) => typeof s === "string") : []);
      // KAVI may have changed the books (e.g. recorded something): keep the pages current.
      void invalidateBusiness();
      if (vars.voice || autoSpeak) void speakMessage(msg);
    },
    onError: (err) => {
      setMessages((m) => [...m, { id: ++seq, role: "kavi", text: `${t("kavi.error")} ${errorMessage(err)}`, error: true }]);
    },
  });

  const send = useCallback(
    (text: string, voice = false) => {
      const message = text.trim();
      if (!message || chat.isPending) return;
      setMessages((m) => [...m, { id: ++seq, role: "user", text: message }]);
      setSuggestions([]);
      setInput("");
      // The send button (disabled while KAVI answers) or the chip clicked goes away: keep the
      // keyboard in the panel, on the question box, so Escape and the next question work.
      inputRef.current?.focus();
      chat.mutate({ message, voice, conversationId });
    },
    [chat, conversationId],
  );

  // A page asked KAVI a question (e.g. "Ask KAVI" on an insight): answer it once the panel is open.
  // Read from the store's subscription (and once, after mounting) rather than from render state.
  useEffect(() => {
    const ask = () => {
      const s = useUi.getState();
      if (!s.kaviOpen || !s.kaviPrompt) return;
      const p = s.takePrompt();
      if (p) send(p);
    };
    const unsubscribe = useUi.subscribe(ask);
    queueMicrotask(ask);
    return unsubscribe;
  }, [send]);

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: scrollRef.current.scrollHeight, behavior: "smooth" });
  }, [messages, chat.isPending]);

  useEffect(() => {
    // The "Ask KAVI" button is re-mounted when the panel closes: give it the focus back.
    if (wasOpen.current && !open) fabRef.current?.focus();
    wasOpen.current = open;
    if (!open) {
      recognitionRef.current?.abort();
      stopSpeaking();
    }
  }, [open]);

  const close = () => {
    setSpeakingId(null);
    closeKavi();
  };

  useEffect(() => () => {
    recognitionRef.current?.abort();
    stopSpeaking();
  }, []);

  const toggleMic = () => {
    if (!Recognition) return;
    if (listening) {
      recognitionRef.current?.stop();
      return;
    }
    const rec = new Recognition();
    rec.lang = speechLang(lang);
    rec.interimResults = true;
    rec.continuous = false;
    rec.maxAlternatives = 1;
    let finalText = "";
    rec.onresult = (e) => {
      let interim = "";
      for (let i = 0; i < e.results.length; i++) {
        const r = e.results[i];
        if (r.isFinal) finalText += r[0].transcript;
        else interim += r[0].transcript;
      }
      setInput((finalText + interim).trim());
    };
    rec.onerror = (e) => {
      if (e.error !== "no-speech" && e.error !== "aborted") toast.error(e.error === "not-allowed" ? t("kavi.panel.micBlocked") : t("kavi.panel.voiceStopped"));
    };
    rec.onend = () => {
      setListening(false);
      recognitionRef.current = null;
      if (finalText.trim()) send(finalText, true);
    };
    recognitionRef.current = rec;
    setListening(true);
    try {
      rec.start();
    } catch {
      setListening(false);
    }
  };

  const reset = () => {
    stopSpeaking();
    setMessages([]);
    setSuggestions([]);
    setConversationId(null);
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    send(input);
  };

  const chips = messages.length === 0 ? STARTERS.map((k) => t(k)) : suggestions;

  return (
    <>
      {!open && (
        <button
          type="button"
          onClick={() => openKavi()}
          ref={fabRef}
          data-testid="kavi-open"
          aria-label={t("kavi.open")}
          // Below lg it sits in the sticky top bar (AppShell keeps its right end free), so on a phone it
          // never floats over a field or an amount; from lg up it floats bottom-right, clear of the content.
          className="fixed right-2 top-2 z-40 inline-flex h-10 min-w-10 items-center justify-center gap-2 rounded-full bg-primary px-2.5 text-primary-foreground shadow transition hover:bg-primary/90 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 lg:bottom-4 lg:right-4 lg:top-auto lg:h-14 lg:min-w-14 lg:px-5 lg:shadow-lg lg:safe-bottom"
        >
          <Sparkles className="size-5" aria-hidden />
          <span className="hidden text-sm font-semibold lg:inline">{t("kavi.open")}</span>
        </button>
      )}
      <Dialog
        open={open}
        onClose={close}
        side="right"
        testId="kavi-panel"
        title={
          <span className="flex items-center gap-2">
            <Sparkles className="size-4 text-primary" aria-hidden /> {t("kavi.title")}
          </span>
        }
        description={t("kavi.subtitle")}
      >
        <div className="flex h-full flex-col">
          <div ref={scrollRef} className="flex-1 space-y-3 overflow-y-auto p-4" aria-live="polite" data-testid="kavi-messages">
            {messages.length === 0 && <p className="rounded-lg bg-accent px-3.5 py-3 text-sm text-accent-foreground">{t("kavi.welcome")}</p>}
            {messages.map((m) => (
              <KaviBubble key={m.id} message={m} onSpeak={speakMessage} speaking={speakingId === m.id} />
            ))}
            {chat.isPending && (
              <div className="flex items-center gap-2 text-sm text-muted-foreground" data-testid="kavi-thinking">
                <span className="flex gap-1">
                  <span className="size-1.5 animate-bounce rounded-full bg-muted-foreground [animation-delay:-0.3s]" />
                  <span className="size-1.5 animate-bounce rounded-full bg-muted-foreground [animation-delay:-0.15s]" />
                  <span className="size-1.5 animate-bounce rounded-full bg-muted-foreground" />
                </span>
                {t("kavi.thinking")}
              </div>
            )}
          </div>

          {chips.length > 0 && !chat.isPending && (
            <div className="flex gap-2 overflow-x-auto border-t px-4 py-2.5" data-testid="kavi-suggestions">
              {chips.map((s) => (
                <button
                  key={s}
                  type="button"
                  onClick={() => send(s)}
                  data-testid="kavi-suggestion"
                  className="shrink-0 rounded-full border bg-card px-3 py-1.5 text-xs font-medium text-foreground hover:border-primary hover:text-primary"
                >
                  {s}
                </button>
              ))}
            </div>
          )}

          <form onSubmit={onSubmit} className="flex items-center gap-2 border-t p-3 safe-bottom">
            {Recognition && (
              <Button
                type="button"
                variant={listening ? "destructive" : "outline"}
                size="icon"
                onClick={toggleMic}
                aria-label={listening ? t("kavi.stopListening") : t("kavi.mic")}
                aria-pressed={listening}
                data-testid="kavi-mic"
              >
                {listening ? <MicOff /> : <Mic />}
              </Button>
            )}
            <input
              ref={inputRef}
              value={input}
              onChange={(e) => setInput(e.target.value)}
              placeholder={listening ? t("kavi.listening") : t("kavi.placeholder")}
              aria-label={t("kavi.placeholder")}
              data-testid="kavi-input"
              maxLength={2000}
              className="h-10 min-w-0 flex-1 rounded-full border border-input bg-card px-4 text-base focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring sm:text-sm"
            />
            <Button type="submit" size="icon" className="rounded-full" disabled={!input.trim() || chat.isPending} aria-label={t("kavi.send")} data-testid="kavi-send">
              <SendHorizontal />
            </Button>
          </form>
          <div className="flex items-center justify-between border-t px-4 py-2 text-xs text-muted-foreground">
            {browserCanSpeak() || canSpeakAtAll() ? (
              <label className="inline-flex items-center gap-2">
                <input type="checkbox" checked={autoSpeak} onChange={(e) => setAutoSpeak(e.target.checked)} data-testid="kavi-autospeak" />
                {t("kavi.autoSpeak")}
              </label>
            ) : (
              <span />
            )}
            {messages.length > 0 && (
              <button type="button" onClick={reset} className="inline-flex items-center gap-1 hover:text-foreground" data-testid="kavi-reset">
                <RotateCcw className="size-3.5" /> {t("kavi.newChat")}
              </button>
            )}
          </div>
        </div>
      </Dialog>
    </>
  );
}
