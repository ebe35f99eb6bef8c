import { describe, expect, it } from "vitest";
import { invoiceTotals, lineTotals } from "@/lib/invoiceMath";

describe("invoice line totals", () => {
  it("rounds quantity × unit price half up to the cent (3 × 33.335 = 100.005 -> 100.01)", () => {
    // With floats, (3 * 33.335).toFixed(2) gives "100.00": the binary value sits just under 100.005.
    expect((3 * 33.335).toFixed(2)).toBe("100.00");
    const line = lineTotals({ quantity: "3", unit_price: "33.335", tax_rate: "0" });
    expect(line.amount).toBe(10001n);
    expect(line.tax).toBe(0n);
  });
  it("rounds exact halves up where floats round down (1.005 -> 1.01)", () => {
    expect(Math.round(1.005 * 100) / 100).toBe(1); // the float trap
    expect(lineTotals({ quantity: "1", unit_price: "1.005", tax_rate: "0" }).amount).toBe(101n);
    expect(lineTotals({ quantity: "0.5", unit_price: "0.01", tax_rate: "0" }).amount).toBe(1n); // 0.005 -> 0.01
  });
  it("rounds tax to the cent: 16% of 0.05 = 0.008 -> 0.01", () => {
    const line = lineTotals({ quantity: "1", unit_price: "0.05", tax_rate: "16" });
    expect(line.amount).toBe(5n);
    expect(line.tax).toBe(1n);
  });
  it("16% of 0.03 = 0.0048 rounds down to 0.00", () => {
    expect(lineTotals({ quantity: "1", unit_price: "0.03", tax_rate: "16" }).tax).toBe(0n);
  });
  it("accepts decimal quantities", () => {
    // 1.5 × 199.99 = 299.985 -> 299.99 ; tax 16% of 299.99 = 47.9984 -> 48.00
    const line = lineTotals({ quantity: "1.5", unit_price: "199.99", tax_rate: "16" });
    expect(line.amount).toBe(29999n);
    expect(line.tax).toBe(4800n);
    // 0.333 × 10.00 = 3.33
    expect(lineTotals({ quantity: "0.333", unit_price: "10.00", tax_rate: "0" }).amount).toBe(333n);
  });
  it("accepts decimal tax rates and a blank rate as zero", () => {
    // 1000.00 × 7.5% = 75.00
    expect(lineTotals({ quantity: "1", unit_price: "1000.00", tax_rate: "7.5" }).tax).toBe(7500n);
    // 33.33 × 16.5% = 5.49945 -> 5.50
    expect(lineTotals({ quantity: "1", unit_price: "33.33", tax_rate: "16.5" }).tax).toBe(550n);
    expect(lineTotals({ quantity: "2", unit_price: "10", tax_rate: "" })).toEqual({ valid: true, amount: 2000n, tax: 0n });
  });
  it("marks incomplete lines invalid and counts them as zero", () => {
    expect(lineTotals({ quantity: "", unit_price: "10", tax_rate: "16" })).toEqual({ valid: false, amount: 0n, tax: 0n });
    expect(lineTotals({ quantity: "2", unit_price: "abc", tax_rate: "16" }).valid).toBe(false);
  });
});

describe("invoice totals", () => {
  it("sums rounded lines and rounded taxes, then adds them", () => {
    const totals = invoiceTotals([
      { quantity: "3", unit_price: "33.335", tax_rate: "16" }, // 100.01, tax 16.0016 -> 16.00
      { quantity: "1", unit_price: "0.05", tax_rate: "16" }, // 0.05, tax 0.01
      { quantity: "2.5", unit_price: "1500.00", tax_rate: "16" }, // 3750.00, tax 600.00
    ]);
    expect(totals.subtotal).toBe("3850.06");
    expect(totals.tax_amount).toBe("616.01");
    expect(totals.total).toBe("4466.07");
    expect(totals.valid).toBe(true);
  });
  it("per-line rounding differs from rounding the sum, and we follow the server (per line)", () => {
    // Three lines of 16% on 0.05: each tax 0.008 -> 0.01, total tax 0.03 (not round(0.024) = 0.02)
    const line = { quantity: "1", unit_price: "0.05", tax_rate: "16" };
    expect(invoiceTotals([line, line, line]).tax_amount).toBe("0.03");
  });
  it("is zero for no lines", () => {
    expect(invoiceTotals([])).toMatchObject({ subtotal: "0.00", tax_amount: "0.00", total: "0.00", valid: true });
  });
  it("handles large amounts exactly", () => {
    const t = invoiceTotals([{ quantity: "1000000", unit_price: "99999999.99", tax_rate: "16" }]);
    expect(t.subtotal).toBe("99999999990000.00");
    expect(t.tax_amount).toBe("15999999998400.00");
    expect(t.total).toBe("115999999988400.00");
  });
});
