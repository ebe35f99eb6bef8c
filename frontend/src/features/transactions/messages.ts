/** The transactions feature's UI strings. Swahili is typed complete: a key missing from `sw` fails tsc. */
export const en = {} as const;

export const sw: Record<keyof typeof en, string> = {};
