import { describe, expect, it } from "vitest";
import {
  accuracyFromMape,
  clampHorizon,
  forecastChartRows,
  fractionToPercent,
  GRADE_BANDS,
  gradeTone,
  isNegative,
  lowestPeriod,
  methodKind,
  oldestFirst,
  scorePercent,
  trimDecimal,
} from "@/lib/insights";
import type { ForecastPeriod } from "@/lib/types";

const period = (p: string, balance: string, low: string, high: string): ForecastPeriod => ({
  period: p,
  income: "1000.00",
  expense: "250.50",
  net: "749.50",
  balance,
  balance_low: low,
  balance_high: high,
  recorded_income: "0.00",
  recorded_expense: "0.00",
});

describe("credit score helpers", () => {
  it("places a score on the 300-850 scale, clamped", () => {
    expect(scorePercent(300)).toBe(0);
    expect(scorePercent(850)).toBe(100);
    expect(scorePercent(575)).toBe(50);
    expect(scorePercent(100)).toBe(0);
    expect(scorePercent(900)).toBe(100);
    expect(scorePercent(NaN)).toBe(0);
    expect(scorePercent(undefined)).toBe(0);
  });
  it("grade bands cover 300-850 without gaps, matching the backend floors", () => {
    const sorted = [...GRADE_BANDS].sort((a, b) => a.from - b.from);
    expect(sorted[0].from).toBe(300);
    expect(sorted[sorted.length - 1].to).toBe(850);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i].from).toBe(sorted[i - 1].to);
    expect(GRADE_BANDS.map((b) => b.from)).toEqual([750, 670, 580, 500, 300]);
  });
  it("maps grades to a tone", () => {
    expect(gradeTone("A")).toBe("good");
    expect(gradeTone("B")).toBe("good");
    expect(gradeTone("C")).toBe("fair");
    expect(gradeTone("D")).toBe("poor");
    expect(gradeTone(undefined)).toBe("poor");
  });
  it("turns 0-1 decimal strings into whole percentages exactly", () => {
    expect(fractionToPercent("0.15")).toBe(15);
    expect(fractionToPercent("0.725")).toBe(73);
    expect(fractionToPercent("0.005")).toBe(1);
    expect(fractionToPercent("1")).toBe(100);
    expect(fractionToPercent("abc")).toBeNull();
    expect(fractionToPercent(undefined)).toBeNull();
  });
  it("trims trailing zeros from decimal strings only", () => {
    expect(trimDecimal("14.00")).toBe("14");
    expect(trimDecimal("12.50")).toBe("12.5");
    expect(trimDecimal("-3.10")).toBe("-3.1");
    expect(trimDecimal("100")).toBe("100");
    expect(trimDecimal("n/a")).toBe("n/a");
  });
  it("orders a newest-first history oldest first", () => {
    const rows = [
      { id: 3, created_at: "2026-03-02T10:00:00+03:00" },
      { id: 1, created_at: "2026-01-05T10:00:00+03:00" },
      { id: 2, created_at: "2026-01-05T10:00:00+03:00" },
    ];
    expect(oldestFirst(rows).map((r) => r.id)).toEqual([1, 2, 3]);
    expect(rows[0].id).toBe(3); // not mutated
  });
});

describe("forecast helpers", () => {
  it("clamps the horizon to 1-12 whole months, defaulting to 3", () => {
    expect(clampHorizon("6")).toBe(6);
    expect(clampHorizon(0)).toBe(1);
    expect(clampHorizon(13)).toBe(12);
    expect(clampHorizon("x")).toBe(3);
    expect(clampHorizon(4.7)).toBe(4);
  });
  it("builds chart rows with the band as a [low, high] pair and keeps the raw strings", () => {
    const rows = forecastChartRows([period("2026-03", "12345.67", "-100.10", "20000.00")]);
    expect(rows).toHaveLength(1);
    expect(rows[0].label).toBe("Mar 26");
    expect(rows[0].balance).toBe(12345.67);
    expect(rows[0].band).toEqual([-100.1, 20000]);
    expect(rows[0].expense).toBe(250.5);
    expect(rows[0].raw.balance).toBe("12345.67");
  });
  it("finds the month with the lowest low end, comparing exactly", () => {
    const periods = [period("2026-03", "10.00", "5.10", "20.00"), period("2026-04", "9.00", "-0.01", "30.00"), period("2026-05", "8.00", "0.00", "40.00")];
    expect(lowestPeriod(periods)?.period).toBe("2026-04");
    expect(lowestPeriod([])).toBeNull();
    expect(isNegative("-0.01")).toBe(true);
    expect(isNegative("0.00")).toBe(false);
    expect(isNegative(undefined)).toBe(false);
  });
  it("rates the backtest from its percentage error", () => {
    expect(accuracyFromMape("8.20")).toBe("good");
    expect(accuracyFromMape("15.00")).toBe("good");
    expect(accuracyFromMape("15.01")).toBe("fair");
    expect(accuracyFromMape("35.00")).toBe("fair");
    expect(accuracyFromMape("120.00")).toBe("rough");
    expect(accuracyFromMape(null)).toBeNull();
  });
  it("recognises the backend's method names", () => {
    expect(methodKind("average (insufficient history)")).toBe("average");
    expect(methodKind("damped trend blended with mean")).toBe("trend");
    expect(methodKind("seasonal + damped trend blended with mean")).toBe("seasonal");
    expect(methodKind("something new")).toBe("other");
    expect(methodKind(null)).toBe("other");
  });
});
