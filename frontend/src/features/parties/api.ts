/** Customers (users/customers/) and suppliers (finance/suppliers/): one hook per endpoint. */
import { api } from "@/lib/client";
import { useBizMutation, useList } from "@/lib/hooks";
import type { Customer, Supplier } from "@/lib/types";

export type PartyKind = "customer" | "supplier";
const PATHS: Record<PartyKind, string> = { customer: "users/customers/", supplier: "finance/suppliers/" };

/** GET the list, searched and ordered by name. */
export function useParties(kind: PartyKind, params: { page: number; pageSize: number; search?: string }) {
  return useList<Supplier>(PATHS[kind], { page: params.page, page_size: params.pageSize, search: params.search, ordering: "name" });
}

/** POST (new) or PATCH {id} (edit). */
export function useSaveParty(kind: PartyKind, id: number | null | undefined, onSaved?: (saved: Customer) => void) {
  return useBizMutation(
    (body: Record<string, unknown>) => api.request<Customer>(id ? `${PATHS[kind]}${id}/` : PATHS[kind], { method: id ? "PATCH" : "POST", json: body }),
    onSaved,
  );
}

/** DELETE {id}: past transactions and invoices stay. */
export function useDeleteParty(kind: PartyKind, onDeleted?: () => void) {
  return useBizMutation((p: { id: number }) => api.del(`${PATHS[kind]}${p.id}/`), onDeleted);
}
