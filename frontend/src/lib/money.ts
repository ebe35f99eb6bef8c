/**
 * Exact decimal money helpers. The API sends money as strings ("1250.00"); we never turn them into
 * JS floats for arithmetic. Values are held as BigInt integers with a decimal scale.
 */

export interface Dec {
  /** unscaled integer value: value = n / 10^scale */
  n: bigint;
  scale: number;
}

const DECIMAL_RE = /^([+-])?(\d*)(?:\.(\d*))?$/;

/** Parses "1,250.5", " 3 ", "-0.05" into an exact decimal. Returns null for anything else. */
export function parseDecimal(input: string | number | null | undefined): Dec | null {
  if (input === null || input === undefined) return null;
  const raw = typeof input === "number" ? numberToPlain(input) : input;
  if (raw === null) return null;
  const s = raw.trim().replace(/,/g, "");
  const m = DECIMAL_RE.exec(s);
  if (!m) return null;
  const [, sign, intPart = "", fracPart = ""] = m;
  if (intPart === "" && fracPart === "") return null;
  const digits = (intPart || "0") + fracPart;
  let n = BigInt(digits);
  if (sign === "-") n = -n;
  return { n, scale: fracPart.length };
}

function numberToPlain(x: number): string | null {
  if (!Number.isFinite(x)) return null;
  // Only integers (e.g. a tax rate of 16) are accepted exactly from numbers.
  if (Number.isInteger(x)) return x.toFixed(0);
  return String(x).includes("e") ? null : String(x);
}

const pow10 = (k: number): bigint => 10n ** BigInt(k);

export function mul(a: Dec, b: Dec): Dec {
  return { n: a.n * b.n, scale: a.scale + b.scale };
}

/** Divides an integer by a positive divisor rounding half away from zero (half-up for amounts). */
function divRoundHalfUp(num: bigint, den: bigint): bigint {
  const negative = num < 0n !== den < 0n;
  const an = num < 0n ? -num : num;
  const ad = den < 0n ? -den : den;
  const q = (an * 2n + ad) / (ad * 2n);
  return negative ? -q : q;
}

/** Rounds to `places` decimals, half away from zero, returning the unscaled integer at that scale. */
export function roundTo(d: Dec, places: number): bigint {
  if (d.scale <= places) return d.n * pow10(places - d.scale);
  return divRoundHalfUp(d.n, pow10(d.scale - places));
}

/** Rounds a decimal to integer cents (half-up). */
export function toCents(d: Dec): bigint {
  return roundTo(d, 2);
}

/** Integer cents from a money string; null when it is not a decimal. */
export function moneyToCents(value: string | number | null | undefined): bigint | null {
  const d = parseDecimal(value);
  return d ? toCents(d) : null;
}

/** "1234.5" style money input -> "1234.50"; null when invalid. */
export function normalizeMoney(value: string): string | null {
  const c = moneyToCents(value);
  return c === null ? null : centsToString(c);
}

/** 123450n -> "1234.50" (the API's money format). */
export function centsToString(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const whole = abs / 100n;
  const frac = (abs % 100n).toString().padStart(2, "0");
  return `${negative ? "-" : ""}${whole.toString()}.${frac}`;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** 123450n -> "1,234.50" */
export function formatCents(cents: bigint): string {
  const s = centsToString(cents);
  const negative = s.startsWith("-");
  const [whole, frac] = (negative ? s.slice(1) : s).split(".");
  return `${negative ? "-" : ""}${groupThousands(whole)}.${frac}`;
}

/**
 * Formats an API money string as "KES 1,234.50". Unknown/invalid input renders as an em dash so a
 * missing field never shows "NaN". Negative amounts render as "-KES 1,234.50".
 */
export function formatMoney(value: string | number | null | undefined, currency = "KES"): string {
  const cents = moneyToCents(value);
  if (cents === null) return "—";
  const negative = cents < 0n;
  const body = formatCents(negative ? -cents : cents);
  return `${negative ? "-" : ""}${currency} ${body}`;
}

export function addMoney(...values: Array<string | null | undefined>): string {
  let total = 0n;
  for (const v of values) total += moneyToCents(v) ?? 0n;
  return centsToString(total);
}

export function compareMoney(a: string, b: string): number {
  const x = moneyToCents(a) ?? 0n;
  const y = moneyToCents(b) ?? 0n;
  return x === y ? 0 : x < y ? -1 : 1;
}

/** For chart axes only (display, never arithmetic): a money string as a JS number. */
export function moneyToChartNumber(value: string | number | null | undefined): number {
  const c = moneyToCents(value);
  return c === null ? 0 : Number(c) / 100;
}

/** Compact axis label: 1234567 -> "1.2M". Display only. */
export function compactNumber(x: number): string {
  const abs = Math.abs(x);
  if (abs >= 1e9) return `${(x / 1e9).toFixed(1)}B`;
  if (abs >= 1e6) return `${(x / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${(x / 1e3).toFixed(abs >= 1e4 ? 0 : 1)}K`;
  return `${Math.round(x)}`;
}
