/** The KAVI panel's own strings (the core kavi.* keys stay in the core dictionary). */
export const en = {
  "kavi.panel.micBlocked": "Microphone access was blocked.",
  "kavi.panel.voiceStopped": "Voice input stopped.",
  "kavi.panel.cantSpeak": "This browser can't read text aloud.",
  "kavi.panel.you": "You said",
  "kavi.panel.kavi": "KAVI said",
} as const;

export const sw: Record<keyof typeof en, string> = {
  "kavi.panel.micBlocked": "Ruhusa ya kutumia maikrofoni imezuiwa.",
  "kavi.panel.voiceStopped": "Kuzungumza kumesimama.",
  "kavi.panel.cantSpeak": "Kivinjari hiki hakiwezi kusoma maandishi kwa sauti.",
  "kavi.panel.you": "Ulisema",
  "kavi.panel.kavi": "KAVI ilisema",
};
