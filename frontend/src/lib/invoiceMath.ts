/**
 * Invoice totals exactly as the server computes them: each line is quantity × unit_price rounded
 * to the cent (half-up), its tax is line × tax_rate / 100 rounded to the cent, and the totals are
 * sums of those rounded figures.
 */
import { centsToString, parseDecimal, roundTo, type Dec } from "./money";

export interface LineInput {
  quantity: string;
  unit_price: string;
  tax_rate: string;
}

export interface LineTotals {
  valid: boolean;
  /** cents */
  amount: bigint;
  /** cents */
  tax: bigint;
}

export interface InvoiceTotals {
  lines: LineTotals[];
  subtotal: string;
  tax_amount: string;
  total: string;
  /** true when every line parses */
  valid: boolean;
}

export function lineTotals(line: LineInput): LineTotals {
  const q = parseDecimal(line.quantity);
  const p = parseDecimal(line.unit_price);
  const r = line.tax_rate.trim() === "" ? ({ n: 0n, scale: 0 } as Dec) : parseDecimal(line.tax_rate);
  if (!q || !p || !r) return { valid: false, amount: 0n, tax: 0n };
  const amount = roundTo({ n: q.n * p.n, scale: q.scale + p.scale }, 2);
  // amount is in cents (scale 2); × rate (scale r) / 100 -> scale 2 + r.scale + 2, back to cents.
  const tax = roundTo({ n: amount * r.n, scale: 2 + r.scale + 2 }, 2);
  return { valid: true, amount, tax };
}

export function invoiceTotals(lines: LineInput[]): InvoiceTotals {
  const computed = lines.map(lineTotals);
  let subtotal = 0n;
  let tax = 0n;
  for (const l of computed) {
    subtotal += l.amount;
    tax += l.tax;
  }
  return {
    lines: computed,
    subtotal: centsToString(subtotal),
    tax_amount: centsToString(tax),
    total: centsToString(subtotal + tax),
    valid: computed.every((l) => l.valid),
  };
}
