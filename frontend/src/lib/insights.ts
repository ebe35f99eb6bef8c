/** Pure helpers for the forecast and credit-score pages. Money stays a decimal string; the chart gets numbers for drawing only. */
import { compareMoney, moneyToCents, moneyToChartNumber, parseDecimal, roundTo } from "./money";
import type { ForecastPeriod } from "./types";
import { formatMonth } from "./utils";

export const SCORE_MIN = 300;
export const SCORE_MAX = 850;
export const HORIZON_MIN = 1;
export const HORIZON_MAX = 12;
export const HORIZON_DEFAULT = 3;

/** Grade floors as the backend sets them (finance/credit.py GRADES), best first. */
export const GRADE_BANDS: ReadonlyArray<{ grade: string; from: number; to: number }> = [
  { grade: "A", from: 750, to: 850 },
  { grade: "B", from: 670, to: 750 },
  { grade: "C", from: 580, to: 670 },
  { grade: "D", from: 500, to: 580 },
  { grade: "E", from: 300, to: 500 },
];

/** Where a score sits on the 300–850 scale, as 0–100 (clamped). */
export function scorePercent(score: number | null | undefined): number {
  if (typeof score !== "number" || !Number.isFinite(score)) return 0;
  const pct = ((score - SCORE_MIN) / (SCORE_MAX - SCORE_MIN)) * 100;
  return Math.min(Math.max(pct, 0), 100);
}

export type Tone = "good" | "fair" | "poor";

export function gradeTone(grade: string | null | undefined): Tone {
  if (grade === "A" || grade === "B") return "good";
  if (grade === "C") return "fair";
  return "poor";
}

/** A 0–1 decimal string ("0.15", "0.725") as a whole percentage, exactly: 15, 73. Null when not a decimal. */
export function fractionToPercent(value: string | null | undefined): number | null {
  const d = parseDecimal(value);
  return d ? Number(roundTo(d, 2)) : null;
}

/** "14.00" -> "14", "12.50" -> "12.5", "-3.10" -> "-3.1": a decimal string without trailing zeros. */
export function trimDecimal(value: string): string {
  if (!/^-?\d+\.\d+$/.test(value)) return value;
  return value.replace(/0+$/, "").replace(/\.$/, "");
}

/** Clamps a horizon to 1–12 whole months; anything unreadable becomes the default (3). */
export function clampHorizon(value: string | number): number {
  const n = typeof value === "number" ? value : Number.parseInt(value, 10);
  if (!Number.isFinite(n)) return HORIZON_DEFAULT;
  return Math.min(Math.max(Math.trunc(n), HORIZON_MIN), HORIZON_MAX);
}

export interface ForecastChartRow {
  label: string;
  income: number;
  expense: number;
  balance: number;
  /** [low, high] for a range Area */
  band: [number, number];
  raw: ForecastPeriod;
}

/** Chart rows for a forecast's periods. Numbers are for drawing only; tooltips format `raw`. */
export function forecastChartRows(periods: ForecastPeriod[]): ForecastChartRow[] {
  return periods.map((p) => ({
    label: formatMonth(p.period),
    income: moneyToChartNumber(p.income),
    expense: moneyToChartNumber(p.expense),
    balance: moneyToChartNumber(p.balance),
    band: [moneyToChartNumber(p.balance_low), moneyToChartNumber(p.balance_high)],
    raw: p,
  }));
}

/** The period whose low end of the band is lowest (the worst plausible month), or null for no periods. */
export function lowestPeriod(periods: ForecastPeriod[]): ForecastPeriod | null {
  let worst: ForecastPeriod | null = null;
  for (const p of periods) if (!worst || compareMoney(p.balance_low, worst.balance_low) < 0) worst = p;
  return worst;
}

export function isNegative(value: string | null | undefined): boolean {
  return (moneyToCents(value) ?? 0n) < 0n;
}

export type Accuracy = "good" | "fair" | "rough";

/** How well the backtest went, from the mean absolute percentage error ("12.50"). Null when unknown. */
export function accuracyFromMape(mape: string | null | undefined): Accuracy | null {
  const hundredths = moneyToCents(mape);
  if (hundredths === null) return null;
  if (hundredths <= 1500n) return "good";
  if (hundredths <= 3500n) return "fair";
  return "rough";
}

export type ForecastMethod = "average" | "trend" | "seasonal" | "other";

/** The backend's method names (finance/forecasting.py), mapped to a translatable kind. */
export function methodKind(method: string | null | undefined): ForecastMethod {
  const m = (method ?? "").toLowerCase();
  if (m.startsWith("seasonal")) return "seasonal";
  if (m.startsWith("damped trend")) return "trend";
  if (m.startsWith("average")) return "average";
  return "other";
}

/** A list newest first (as the API orders it) turned oldest first for a history chart. */
export function oldestFirst<T extends { created_at: string; id: number }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => (a.created_at === b.created_at ? a.id - b.id : a.created_at < b.created_at ? -1 : 1));
}
