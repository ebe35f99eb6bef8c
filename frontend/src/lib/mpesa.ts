/** Pure helpers for M-Pesa (Daraja STK push): phone numbers, amounts, request statuses and polling. */
import type { BadgeProps } from "@/components/ui/badge";
import { centsToString, moneyToCents } from "./money";
import type { InvoiceStatus, StkStatus } from "./types";

/** The backend's rule (finance/mpesa.py normalise_phone): 07xx/01xx, 7xx/1xx, 2547xx or +2547xx. */
const PHONE_RE = /^(?:\+?254|0)?([17]\d{8})$/;

/** A Kenyan mobile number as Daraja wants it ("254712345678"); null when it isn't one. */
export function normalisePhone(raw: string | null | undefined): string | null {
  const text = (raw ?? "").replace(/[\s\-().]/g, "");
  const m = PHONE_RE.exec(text);
  return m ? `254${m[1]}` : null;
}

/** "254712345678" -> "+254 712 345 678"; anything else is shown as it is. */
export function formatPhone(raw: string | null | undefined): string {
  const p = normalisePhone(raw);
  if (!p) return raw ?? "";
  return `+254 ${p.slice(3, 6)} ${p.slice(6, 9)} ${p.slice(9)}`;
}

/** "254712345678" -> "+254 7•• ••• 678": enough to recognise a customer, not to copy the number. */
export function maskPhone(raw: string | null | undefined): string {
  const p = normalisePhone(raw);
  if (!p) {
    const digits = (raw ?? "").replace(/\D/g, "");
    return digits.length > 3 ? `•••${digits.slice(-3)}` : "—";
  }
  return `+254 ${p[3]}•• ••• ${p.slice(9)}`;
}

/** Invoice statuses the backend lets M-Pesa pay (`overdue` is a sent invoice past its due date). */
export const MPESA_PAYABLE_STATUSES: readonly InvoiceStatus[] = ["sent", "partially_paid", "overdue"];

/** Whether an invoice can still be paid by M-Pesa: open, in shillings, with something due. */
export function canRequestMpesa(invoice: { status: InvoiceStatus; currency?: string; balance_due: string }): boolean {
  if (!MPESA_PAYABLE_STATUSES.includes(invoice.status)) return false;
  if (invoice.currency && invoice.currency !== "KES") return false;
  return (moneyToCents(invoice.balance_due) ?? 0n) >= 100n;
}

/** M-Pesa takes whole shillings: the balance rounded down ("2827.99" -> "2827.00"), so it never overpays. */
export function defaultStkAmount(balanceDue: string): string {
  const cents = moneyToCents(balanceDue) ?? 0n;
  if (cents < 100n) return "";
  return centsToString((cents / 100n) * 100n);
}

export type AmountProblem = "invalid" | "whole" | "tooLarge";

/** Checks an amount typed for M-Pesa against the balance; returns the API's "1234.00" or a problem. */
export function checkStkAmount(input: string, balanceDue: string | null): { amount: string } | { problem: AmountProblem } {
  const cents = moneyToCents(input);
  if (cents === null || cents < 100n) return { problem: "invalid" };
  if (cents % 100n !== 0n) return { problem: "whole" };
  if (balanceDue !== null) {
    const due = moneyToCents(balanceDue);
    if (due !== null && cents > due) return { problem: "tooLarge" };
  }
  return { amount: centsToString(cents) };
}

/** Statuses after which a request never changes again. */
export function isFinalStatus(status: StkStatus | string | null | undefined): boolean {
  return status === "success" || status === "failed" || status === "cancelled";
}

const TONES: Record<string, NonNullable<BadgeProps["variant"]>> = {
  pending: "warning",
  success: "success",
  failed: "danger",
  cancelled: "outline",
};

export function stkStatusTone(status: string | null | undefined): NonNullable<BadgeProps["variant"]> {
  return (status && TONES[status]) || "secondary";
}

/** The i18n key for a status; unknown statuses read as "unknown". */
export function stkStatusKey(status: string | null | undefined): "mpesa.status.pending" | "mpesa.status.success" | "mpesa.status.failed" | "mpesa.status.cancelled" | "mpesa.status.unknown" {
  switch (status) {
    case "pending":
    case "success":
    case "failed":
    case "cancelled":
      return `mpesa.status.${status}`;
    default:
      return "mpesa.status.unknown";
  }
}

export const POLL_INTERVAL_MS = 3_000;
export const POLL_LIMIT_MS = 120_000;

/** How long to wait before asking again, or false to stop: on a final status or after the limit. */
export function nextPoll(status: string | null | undefined, startedAt: number, now: number, limitMs = POLL_LIMIT_MS): number | false {
  if (isFinalStatus(status)) return false;
  if (now - startedAt >= limitMs) return false;
  return POLL_INTERVAL_MS;
}
