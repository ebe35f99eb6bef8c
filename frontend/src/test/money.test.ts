import { describe, expect, it } from "vitest";
import { addMoney, centsToString, compareMoney, formatCents, formatMoney, moneyToCents, normalizeMoney, parseDecimal, roundTo } from "@/lib/money";

describe("parseDecimal", () => {
  it("reads plain, signed, comma-grouped and fractional strings exactly", () => {
    expect(parseDecimal("1250.00")).toEqual({ n: 125000n, scale: 2 });
    expect(parseDecimal("-0.05")).toEqual({ n: -5n, scale: 2 });
    expect(parseDecimal("1,234.5")).toEqual({ n: 12345n, scale: 1 });
    expect(parseDecimal(".5")).toEqual({ n: 5n, scale: 1 });
    expect(parseDecimal(" 7 ")).toEqual({ n: 7n, scale: 0 });
    expect(parseDecimal(16)).toEqual({ n: 16n, scale: 0 });
  });
  it("rejects anything that is not a decimal", () => {
    for (const bad of ["", ".", "abc", "1.2.3", "1e5", "12a", null, undefined, NaN, Infinity]) {
      expect(parseDecimal(bad as string)).toBeNull();
    }
  });
});

describe("rounding", () => {
  it("rounds half up (away from zero) to cents", () => {
    expect(roundTo({ n: 100005n, scale: 3 }, 2)).toBe(10001n); // 100.005 -> 100.01
    expect(roundTo({ n: 100004n, scale: 3 }, 2)).toBe(10000n);
    expect(roundTo({ n: -100005n, scale: 3 }, 2)).toBe(-10001n);
    expect(roundTo({ n: 5n, scale: 0 }, 2)).toBe(500n);
  });
  it("normalises user input to the API's two-place strings", () => {
    expect(normalizeMoney("1250")).toBe("1250.00");
    expect(normalizeMoney("1,250.5")).toBe("1250.50");
    expect(normalizeMoney("0.005")).toBe("0.01");
    expect(normalizeMoney("x")).toBeNull();
  });
});

describe("formatting", () => {
  it("formats as KES with thousands separators and two places", () => {
    expect(formatMoney("1234.5")).toBe("KES 1,234.50");
    expect(formatMoney("1234.50")).toBe("KES 1,234.50");
    expect(formatMoney("0")).toBe("KES 0.00");
    expect(formatMoney("1000000")).toBe("KES 1,000,000.00");
    expect(formatMoney("999.999")).toBe("KES 1,000.00");
    expect(formatMoney("-1500.75")).toBe("-KES 1,500.75");
    expect(formatMoney("12.3", "USD")).toBe("USD 12.30");
  });
  it("never shows NaN for missing or invalid values", () => {
    expect(formatMoney(undefined)).toBe("—");
    expect(formatMoney(null)).toBe("—");
    expect(formatMoney("n/a")).toBe("—");
  });
  it("handles amounts beyond float precision", () => {
    expect(formatMoney("90071992547409.93")).toBe("KES 90,071,992,547,409.93");
    expect(centsToString(9007199254740993n)).toBe("90071992547409.93");
  });
  it("formats cents", () => {
    expect(formatCents(5n)).toBe("0.05");
    expect(formatCents(-123456n)).toBe("-1,234.56");
  });
});

describe("arithmetic", () => {
  it("adds without float error", () => {
    expect(addMoney("0.10", "0.20")).toBe("0.30");
    expect(addMoney("1250.00", "500.55", null, undefined)).toBe("1750.55");
    expect(moneyToCents("19.99")).toBe(1999n);
  });
  it("compares", () => {
    expect(compareMoney("10.00", "9.99")).toBe(1);
    expect(compareMoney("10", "10.00")).toBe(0);
    expect(compareMoney("0.01", "0.02")).toBe(-1);
  });
});
