/** The invoices feature's endpoints, each behind a named hook. Pages don't write API paths. */
import { useQuery } from "@tanstack/react-query";
import type { QueryValue } from "@/lib/api";
import { api, bizKey } from "@/lib/client";
import { useBizMutation, useList } from "@/lib/hooks";
import type { Business, Invoice, PaymentMethod } from "@/lib/types";

const BASE = "finance/invoices/";

/** A payment booked against an invoice (GET finance/invoices/{id}/payments/). */
export interface InvoicePayment {
  id: number;
  date: string;
  amount: string;
  method: PaymentMethod;
  reference: string;
  mpesa_receipt: string;
  transaction: number;
}

/** How the business's customers pay (set on the settings page; may be absent). */
export interface PaymentInstructions {
  mpesa_paybill?: string;
  mpesa_till?: string;
  account_hint?: string;
  bank?: string | { name?: string; branch?: string; account_name?: string; account_number?: string };
}

export type BusinessWithPayments = Business & { payment_instructions?: PaymentInstructions | null };

export interface InvoiceLineBody {
  description: string;
  quantity: string;
  unit_price: string;
  tax_rate: string;
}

export interface InvoiceBody {
  customer?: number | null;
  invoice_number?: string;
  issue_date?: string;
  due_date?: string;
  currency?: string;
  notes?: string;
  items?: InvoiceLineBody[];
}

export interface PaymentBody {
  amount: string;
  paid_date: string;
  payment_method: string;
  reference?: string;
}

/** GET finance/invoices/ (paginated, filtered). */
export function useInvoices(params: Record<string, QueryValue>) {
  return useList<Invoice>(BASE, params);
}

/** GET finance/invoices/{id}/. */
export function useInvoice(id: string | number | undefined) {
  return useQuery({
    queryKey: bizKey(BASE, String(id)),
    queryFn: ({ signal }) => api.get<Invoice>(`${BASE}${id}/`, undefined, { signal }),
    enabled: id !== undefined && id !== "",
    // Payments arrive from outside the app (M-Pesa callbacks, a colleague): read afresh on opening.
    staleTime: 0,
  });
}

/** GET finance/invoices/{id}/payments/. */
export function useInvoicePayments(id: string | number | undefined) {
  return useQuery({
    queryKey: bizKey(BASE, String(id), "payments"),
    queryFn: ({ signal }) => api.get<InvoicePayment[]>(`${BASE}${id}/payments/`, undefined, { signal }),
    enabled: id !== undefined && id !== "",
    staleTime: 0,
  });
}

/** GET users/businesses/{id}/: the business as the invoice shows it (name, contact, how to pay). */
export function useInvoiceBusiness(id: number | undefined, enabled = true) {
  return useQuery({
    queryKey: bizKey("users/businesses/", String(id)),
    queryFn: ({ signal }) => api.get<BusinessWithPayments>(`users/businesses/${id}/`, undefined, { signal }),
    enabled: enabled && id !== undefined,
    staleTime: 60_000,
  });
}

/** POST finance/invoices/. */
export function useCreateInvoice(onSuccess?: (invoice: Invoice) => void) {
  return useBizMutation((body: InvoiceBody) => api.post<Invoice>(BASE, body), onSuccess);
}

/** PATCH finance/invoices/{id}/: a draft anything; a sent one its items, due date and notes. */
export function useUpdateInvoice(id: number | string | undefined, onSuccess?: (invoice: Invoice) => void) {
  return useBizMutation((body: InvoiceBody) => api.patch<Invoice>(`${BASE}${id}/`, body), onSuccess);
}

/** POST finance/invoices/{id}/duplicate/: a new draft, issued today. */
export function useDuplicateInvoice(onSuccess?: (invoice: Invoice) => void) {
  return useBizMutation((id: number) => api.post<Invoice>(`${BASE}${id}/duplicate/`), onSuccess);
}

/** POST finance/invoices/{id}/send/. */
export function useSendInvoice(onSuccess?: (invoice: Invoice) => void) {
  return useBizMutation((id: number) => api.post<Invoice>(`${BASE}${id}/send/`), onSuccess);
}

/** POST finance/invoices/{id}/cancel/. */
export function useCancelInvoice(onSuccess?: (invoice: Invoice) => void) {
  return useBizMutation((id: number) => api.post<Invoice>(`${BASE}${id}/cancel/`), onSuccess);
}

/** POST finance/invoices/{id}/mark_paid/. */
export function useMarkInvoicePaid(id: number, onSuccess?: (invoice: Invoice) => void) {
  return useBizMutation((body: PaymentBody) => api.post<Invoice>(`${BASE}${id}/mark_paid/`, body), onSuccess);
}

/** GET finance/invoices/{id}/pdf/ as a file. */
export function fetchInvoicePdf(id: number) {
  return api.blob(`${BASE}${id}/pdf/`, { accept: "application/pdf, application/json;q=0.5" });
}
