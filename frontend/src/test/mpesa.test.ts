import { describe, expect, it } from "vitest";
import {
  canRequestMpesa,
  checkStkAmount,
  defaultStkAmount,
  formatPhone,
  isFinalStatus,
  maskPhone,
  nextPoll,
  normalisePhone,
  POLL_INTERVAL_MS,
  POLL_LIMIT_MS,
  stkStatusKey,
  stkStatusTone,
} from "@/lib/mpesa";

describe("normalisePhone", () => {
  it("accepts the forms the backend accepts and returns 254…", () => {
    expect(normalisePhone("0712345678")).toBe("254712345678");
    expect(normalisePhone("0112 345 678")).toBe("254112345678");
    expect(normalisePhone("254712345678")).toBe("254712345678");
    expect(normalisePhone("+254 712-345-678")).toBe("254712345678");
    expect(normalisePhone("(0712) 345.678")).toBe("254712345678");
    expect(normalisePhone("712345678")).toBe("254712345678");
  });
  it("refuses anything that is not a Kenyan mobile number", () => {
    for (const bad of ["", "0212345678", "07123456789", "071234567", "+255712345678", "07l2345678", null, undefined]) {
      expect(normalisePhone(bad), String(bad)).toBeNull();
    }
  });
});

describe("formatPhone and maskPhone", () => {
  it("groups the digits for reading", () => {
    expect(formatPhone("254712345678")).toBe("+254 712 345 678");
    expect(formatPhone("0112345678")).toBe("+254 112 345 678");
    expect(formatPhone("12")).toBe("12");
  });
  it("hides the middle of the number", () => {
    expect(maskPhone("254712345678")).toBe("+254 7•• ••• 678");
    expect(maskPhone("0112345678")).toBe("+254 1•• ••• 678");
    expect(maskPhone("99912345")).toBe("•••345");
    expect(maskPhone("")).toBe("—");
    expect(maskPhone("254712345678")).not.toContain("12345");
  });
});

describe("canRequestMpesa", () => {
  const inv = (status: Parameters<typeof canRequestMpesa>[0]["status"], balance_due = "2827.99", currency = "KES") => ({ status, balance_due, currency });
  it("allows sent, partly paid and overdue invoices with something due in shillings", () => {
    expect(canRequestMpesa(inv("sent"))).toBe(true);
    expect(canRequestMpesa(inv("partially_paid"))).toBe(true);
    expect(canRequestMpesa(inv("overdue"))).toBe(true);
  });
  it("refuses drafts, paid and cancelled invoices, other currencies and less than a shilling due", () => {
    expect(canRequestMpesa(inv("draft"))).toBe(false);
    expect(canRequestMpesa(inv("paid"))).toBe(false);
    expect(canRequestMpesa(inv("cancelled"))).toBe(false);
    expect(canRequestMpesa(inv("sent", "100.00", "USD"))).toBe(false);
    expect(canRequestMpesa(inv("sent", "0.99"))).toBe(false);
    expect(canRequestMpesa(inv("sent", "0.00"))).toBe(false);
  });
});

describe("amounts", () => {
  it("defaults to the balance in whole shillings, rounded down", () => {
    expect(defaultStkAmount("2827.99")).toBe("2827.00");
    expect(defaultStkAmount("1500.00")).toBe("1500.00");
    expect(defaultStkAmount("0.50")).toBe("");
    expect(defaultStkAmount("not money")).toBe("");
  });
  it("checks what was typed without floats", () => {
    expect(checkStkAmount("2,827", "2827.99")).toEqual({ amount: "2827.00" });
    expect(checkStkAmount("1", null)).toEqual({ amount: "1.00" });
    expect(checkStkAmount("100.50", "2827.99")).toEqual({ problem: "whole" });
    expect(checkStkAmount("2828", "2827.99")).toEqual({ problem: "tooLarge" });
    expect(checkStkAmount("0", "2827.99")).toEqual({ problem: "invalid" });
    expect(checkStkAmount("abc", "2827.99")).toEqual({ problem: "invalid" });
    expect(checkStkAmount("-5", "2827.99")).toEqual({ problem: "invalid" });
    // Exact decimals: past 2^53 the amounts are still compared exactly.
    expect(checkStkAmount("9007199254740993", "9007199254740992.00")).toEqual({ problem: "tooLarge" });
  });
});

describe("statuses", () => {
  it("maps each status to a tone and a label key", () => {
    expect(stkStatusTone("pending")).toBe("warning");
    expect(stkStatusTone("success")).toBe("success");
    expect(stkStatusTone("failed")).toBe("danger");
    expect(stkStatusTone("cancelled")).toBe("outline");
    expect(stkStatusTone("weird")).toBe("secondary");
    expect(stkStatusKey("success")).toBe("mpesa.status.success");
    expect(stkStatusKey("pending")).toBe("mpesa.status.pending");
    expect(stkStatusKey(undefined)).toBe("mpesa.status.unknown");
  });
  it("knows which statuses are final", () => {
    expect(isFinalStatus("pending")).toBe(false);
    expect(isFinalStatus("success")).toBe(true);
    expect(isFinalStatus("failed")).toBe(true);
    expect(isFinalStatus("cancelled")).toBe(true);
    expect(isFinalStatus(undefined)).toBe(false);
  });
  it("polls every few seconds until a final status or the time limit", () => {
    const start = 1_000_000;
    expect(nextPoll("pending", start, start + 1_000)).toBe(POLL_INTERVAL_MS);
    expect(nextPoll(undefined, start, start)).toBe(POLL_INTERVAL_MS);
    expect(nextPoll("success", start, start + 1_000)).toBe(false);
    expect(nextPoll("failed", start, start + 1_000)).toBe(false);
    expect(nextPoll("pending", start, start + POLL_LIMIT_MS)).toBe(false);
    expect(POLL_LIMIT_MS).toBe(120_000);
  });
});
