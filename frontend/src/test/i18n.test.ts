import { describe, expect, it, vi } from "vitest";

// i18n imports the session store, which persists to localStorage; give it a memory one.
const store = new Map<string, string>();
vi.stubGlobal("localStorage", {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, v),
  removeItem: (k: string) => void store.delete(k),
});

const { en, interpolate, messageKeys, SAME_IN_BOTH, sw, translate } = await import("@/lib/i18n");
const { labelOf, PAYMENT_METHODS, statusLabel } = await import("@/lib/options");
const { formatDate, formatMonth } = await import("@/lib/utils");
const { useSession } = await import("@/stores/session");
const { safeNext } = await import("@/features/auth/pages/AuthLayout");

describe("i18n", () => {
  it("translates navigation, buttons and the KAVI panel into Swahili", () => {
    expect(translate("sw", "nav.transactions")).toBe("Miamala");
    expect(translate("sw", "btn.save")).toBe("Hifadhi");
    expect(translate("sw", "kavi.how")).toBe("Hii ilihesabiwaje?");
    expect(translate("en", "kavi.how")).toBe("How was this computed?");
  });
  it("has a Swahili string for every navigation, button and KAVI key", async () => {
    const keys = ["nav.dashboard", "nav.transactions", "nav.invoices", "nav.customers", "nav.suppliers", "nav.budgets", "nav.cashflow", "nav.team", "nav.activity", "nav.profile", "nav.logout", "btn.save", "btn.cancel", "btn.newTransaction", "btn.newInvoice", "btn.recordPayment", "kavi.open", "kavi.placeholder", "kavi.send", "kavi.mic"] as const;
    for (const k of keys) expect(translate("sw", k), k).not.toBe(translate("en", k));
  });
  it("has a Swahili string for every forecast and credit-score key", () => {
    const sw = messageKeys("sw");
    const ours = messageKeys("en").filter((k) => k.startsWith("fc.") || k.startsWith("credit.") || k === "nav.forecasts" || k === "nav.credit");
    expect(ours.length).toBeGreaterThan(40);
    for (const k of ours) expect(sw, k).toContain(k);
  });
  it("has a Swahili string for every M-Pesa key", () => {
    const sw = messageKeys("sw");
    const ours = messageKeys("en").filter((k) => k.startsWith("mpesa.") || k === "nav.mpesa");
    expect(ours.length).toBeGreaterThan(50);
    for (const k of ours) expect(sw, k).toContain(k);
    expect(translate("sw", "mpesa.waiting")).not.toBe(translate("en", "mpesa.waiting"));
  });
  it("fills placeholders and leaves unknown ones", () => {
    expect(interpolate("Made {date} for {n} months", { date: "3 Mar 2026", n: 3 })).toBe("Made 3 Mar 2026 for 3 months");
    expect(interpolate("{a} and {b}", { a: 1 })).toBe("1 and {b}");
    expect(interpolate(translate("sw", "fc.monthsOption"), { n: 6 })).toBe("Miezi 6");
  });
});

describe("the Swahili dictionary", () => {
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  it("has every English key, in real Swahili (only names such as KAVI or M-Pesa read the same)", () => {
    const keys = Object.keys(en) as (keyof typeof en)[];
    expect(keys.length).toBeGreaterThan(500);
    const copies: string[] = [];
    for (const k of keys) {
      expect(typeof sw[k], k).toBe("string");
      expect(sw[k].trim(), k).not.toBe("");
      if (sw[k] === en[k] && !SAME_IN_BOTH.has(en[k])) copies.push(`${k}: ${en[k]}`);
    }
    expect(copies).toEqual([]);
  });

  it("keeps the same placeholders in both languages", () => {
    for (const k of Object.keys(en) as (keyof typeof en)[]) expect(placeholders(sw[k]), k).toEqual(placeholders(en[k]));
  });

  it("never falls back to English: an unknown key shows as itself", () => {
    expect(translate("sw", "no.such.key" as never)).toBe("no.such.key");
  });

  it("uses the shop owner's words", () => {
    expect(translate("sw", "nav.invoices")).toBe("Ankara");
    expect(translate("sw", "nav.transactions")).toBe("Miamala");
    expect(translate("sw", "nav.budgets")).toBe("Bajeti");
    expect(translate("sw", "word.income")).toBe("Mapato");
    expect(translate("sw", "word.expense")).toBe("Matumizi");
    expect(translate("sw", "word.balance")).toBe("Salio");
    expect(translate("sw", "btn.save")).toBe("Hifadhi");
    expect(translate("sw", "btn.cancel")).toBe("Ghairi");
  });

  it("localises statuses, options and dates with the active language", () => {
    useSession.setState({ lang: "sw" });
    expect(statusLabel("overdue")).toBe("Imechelewa");
    expect(statusLabel("partially_paid")).toBe("Imelipwa kiasi");
    expect(labelOf(PAYMENT_METHODS, "cash")).toBe("Pesa taslimu");
    expect(formatDate("2026-03-05")).toBe("5 Mac 2026");
    expect(formatMonth("2026-08")).toBe("Ago 26");
    useSession.setState({ lang: "en" });
    expect(statusLabel("partially_paid")).toBe("Partially paid");
    expect(labelOf(PAYMENT_METHODS, "cash")).toBe("Cash");
    expect(formatDate("2026-03-05")).toBe("5 Mar 2026");
    expect(formatMonth("2026-08")).toBe("Aug 26");
  });
});

describe("safeNext", () => {
  it("only allows same-site paths after sign-in", () => {
    expect(safeNext("/invitations/accept?token=abc")).toBe("/invitations/accept?token=abc");
    expect(safeNext("//evil.example")).toBeNull();
    expect(safeNext("https://evil.example")).toBeNull();
    expect(safeNext("/\\evil.example")).toBeNull();
    expect(safeNext(null)).toBeNull();
  });
});
