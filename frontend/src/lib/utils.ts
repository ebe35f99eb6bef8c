import { clsx, type ClassValue } from "clsx";
import { twMerge } from "tailwind-merge";
import { currentLang } from "./i18n";

export function cn(...inputs: ClassValue[]) {
  return twMerge(clsx(inputs));
}

/** Today's date as YYYY-MM-DD in the browser's local time zone. */
export function todayISO(d = new Date()): string {
  const y = d.getFullYear();
  const m = String(d.getMonth() + 1).padStart(2, "0");
  const day = String(d.getDate()).padStart(2, "0");
  return `${y}-${m}-${day}`;
}

export function addDaysISO(iso: string, days: number): string {
  const [y, m, d] = iso.split("-").map(Number);
  const dt = new Date(y, m - 1, d + days);
  return todayISO(dt);
}

/** The Intl locale for the active UI language. */
export function activeLocale(): string {
  return currentLang() === "sw" ? "sw-KE" : "en-KE";
}

function calendarDate(iso: string): Date | null {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(iso);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] ? Number(m[3]) : 1, 12)) : null;
}

/** "2026-03-05" -> "5 Mar 2026" / "5 Mac 2026" (no time-zone shifts: the string is a calendar date). */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = calendarDate(iso);
  if (!d) return iso;
  return new Intl.DateTimeFormat(activeLocale(), { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(d);
}

/** "2026-03" -> "Mar 26" / "Mac 26" for chart axes. */
export function formatMonth(ym: string): string {
  const d = calendarDate(ym);
  if (!d) return ym;
  return new Intl.DateTimeFormat(activeLocale(), { month: "short", year: "2-digit", timeZone: "UTC" }).format(d);
}

/** "2026-03" -> "March 2026" / "Machi 2026". */
export function formatMonthLong(ym: string): string {
  const d = calendarDate(ym);
  if (!d) return ym;
  return new Intl.DateTimeFormat(activeLocale(), { month: "long", year: "numeric", timeZone: "UTC" }).format(d);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(activeLocale(), { dateStyle: "medium", timeStyle: "short" });
}

/** A plain number in the active language's format. */
export function formatNumber(n: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(activeLocale(), options).format(n);
}

export function humanize(value: string | null | undefined): string {
  if (!value) return "";
  const s = value.replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function downloadBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** Accepts a list endpoint's paginated body or a bare array. */
export function resultsOf<T>(data: unknown): T[] {
  if (Array.isArray(data)) return data as T[];
  if (data && typeof data === "object") {
    const d = data as Record<string, unknown>;
    for (const key of ["results", "findings", "items", "periods", "data"]) {
      if (Array.isArray(d[key])) return d[key] as T[];
    }
  }
  return [];
}
