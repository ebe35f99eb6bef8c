/** Cash flow, forecasts and the credit score: one hook per endpoint. */
import { useQuery } from "@tanstack/react-query";
import { api, bizKey } from "@/lib/client";
import { useBizMutation, useList } from "@/lib/hooks";
import type { CreditScore, Forecast } from "@/lib/types";

/** GET finance/cash-flows/?period&date_from&date_to: opening, in, out, net and closing per period. */
export function useCashFlows(params: { period: string; date_from: string; date_to: string }) {
  return useQuery({
    queryKey: bizKey("finance/cash-flows/", params),
    queryFn: () => api.get<unknown>("finance/cash-flows/", params),
    placeholderData: (prev) => prev,
  });
}

/** GET finance/forecasts/: the latest forecast first. */
export function useForecasts(pageSize = 1) {
  return useList<Forecast>("finance/forecasts/", { page_size: pageSize });
}

/** POST finance/forecasts/ {horizon_months}. */
export function useCreateForecast(onDone?: (forecast: Forecast) => void) {
  return useBizMutation((months: number) => api.post<Forecast>("finance/forecasts/", { horizon_months: months }), onDone);
}

/** GET finance/credit-scores/: the history, newest first. */
export function useCreditScores(pageSize = 24) {
  return useList<CreditScore>("finance/credit-scores/", { page_size: pageSize });
}

/** POST finance/credit-scores/: computes the score now. */
export function useComputeCreditScore(onDone?: (score: CreditScore) => void) {
  return useBizMutation((_: void) => api.post<CreditScore>("finance/credit-scores/"), onDone);
}
