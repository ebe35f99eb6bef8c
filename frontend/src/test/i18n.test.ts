import { describe, expect, it, vi } from "vitest";

// i18n imports the session store, which persists to localStorage; give it a memory one.
const store = new Map<string, string>();
vi.stubGlobal("localStorage", {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, v),
  removeItem: (k: string) => void store.delete(k),
});

const { interpolate, messageKeys, translate } = await import("@/lib/i18n");
const { safeNext } = await import("@/pages/auth/AuthLayout");

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

describe("safeNext", () => {
  it("only allows same-site paths after sign-in", () => {
    expect(safeNext("/invitations/accept?token=abc")).toBe("/invitations/accept?token=abc");
    expect(safeNext("//evil.example")).toBeNull();
    expect(safeNext("https://evil.example")).toBeNull();
    expect(safeNext("/\\evil.example")).toBeNull();
    expect(safeNext(null)).toBeNull();
  });
});
