/** The budgets endpoints, one hook each. */
import { api } from "@/lib/client";
import { useBizMutation, useList } from "@/lib/hooks";
import type { Budget } from "@/lib/types";

const PATH = "finance/budgets/";

/** GET finance/budgets/: a page of the business's budgets with spent, remaining and status. */
export function useBudgets(page: number, pageSize = 50) {
  return useList<Budget>(PATH, { page, page_size: pageSize });
}

/** POST finance/budgets/ (new) or PATCH finance/budgets/{id}/ (edit). */
export function useSaveBudget(budget: Budget | null | undefined, onSaved?: (saved: Budget) => void) {
  return useBizMutation((body: Record<string, string | null>) => (budget ? api.patch<Budget>(`${PATH}${budget.id}/`, body) : api.post<Budget>(PATH, body)), onSaved);
}

/** DELETE finance/budgets/{id}/. */
export function useDeleteBudget(onDeleted?: () => void) {
  return useBizMutation((budget: Budget) => api.del(`${PATH}${budget.id}/`), onDeleted);
}
