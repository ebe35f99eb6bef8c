/** The dashboard's endpoints, one hook each. */
import { useQuery } from "@tanstack/react-query";
import { api, bizKey } from "@/lib/client";
import type { DashboardData, Lang } from "@/lib/types";

/** GET users/dashboard/: KPIs, the 12-month series, budget alerts and recent transactions. */
export function useDashboard() {
  return useQuery({
    queryKey: bizKey("users/dashboard/"),
    queryFn: () => api.get<DashboardData>("users/dashboard/"),
  });
}

/** GET kavi/insights/ in the UI language: overdue invoices, spending spikes, budget overruns, cash shortfalls. */
export function useKaviInsights(language: Lang) {
  return useQuery({
    queryKey: bizKey("kavi/insights/", language),
    queryFn: () => api.get<unknown>("kavi/insights/", { language }),
    staleTime: 5 * 60_000,
  });
}
