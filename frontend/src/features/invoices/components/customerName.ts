import { useMemo } from "react";
import { useCustomerOptions } from "@/lib/hooks";
import type { Invoice } from "@/lib/types";

/** The customer's name for an invoice: from the invoice itself, else from the customer picker list. */
export function useCustomerName() {
  const customers = useCustomerOptions();
  return useMemo(() => {
    const m = new Map<number, string>();
    customers.data?.results.forEach((c) => m.set(c.id, c.name));
    return (inv: Pick<Invoice, "customer" | "customer_name" | "customer_detail">) =>
      inv.customer_name ?? inv.customer_detail?.name ?? (inv.customer !== null && inv.customer !== undefined ? m.get(inv.customer) : undefined) ?? "—";
  }, [customers.data]);
}

/** "2.000" -> "2", "1.500" -> "1.5" */
export function trimQty(q: string): string {
  return q.includes(".") ? q.replace(/\.?0+$/, "") : q;
}
