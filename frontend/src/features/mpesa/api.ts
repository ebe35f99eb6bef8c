/** The M-Pesa feature's endpoints: the business's Daraja settings, STK pushes and their requests. */
import { useQuery } from "@tanstack/react-query";
import { api, bizKey } from "@/lib/client";
import { useBizMutation, useList } from "@/lib/hooks";
import { nextPoll } from "@/lib/mpesa";
import type { MpesaSettings, MpesaSettingsInput, MpesaStkRequest } from "@/lib/types";

const SETTINGS = "finance/mpesa/";
const STK_PUSH = "finance/mpesa/stk-push/";
const STK_REQUESTS = "finance/mpesa/stk-requests/";

export function useMpesaSettings() {
  return useQuery({ queryKey: bizKey(SETTINGS), queryFn: () => api.get<MpesaSettings>(SETTINGS) });
}

export function useSaveMpesaSettings(onSuccess?: (settings: MpesaSettings) => void) {
  return useBizMutation((body: MpesaSettingsInput) => api.patch<MpesaSettings>(SETTINGS, body), onSuccess);
}

/** The latest STK requests, newest first. */
export function useStkRequests(pageSize = 20) {
  return useList<MpesaStkRequest>(STK_REQUESTS, { page_size: pageSize, ordering: "-created_at" });
}

export function useStkPush() {
  return useBizMutation((vars: { invoice: number; amount: string; phone: string }) => api.post<MpesaStkRequest>(STK_PUSH, vars));
}

/** One sent request, polled on nextPoll's schedule (from `startedAt`) until it is final or `stopped`;
 *  `initial` is what the push returned, shown until the first poll answers. Off while `id` is null. */
export function useStkRequest(id: number | null, { initial, startedAt, stopped }: { initial?: MpesaStkRequest; startedAt: number; stopped: boolean }) {
  return useQuery({
    queryKey: bizKey(STK_REQUESTS, id),
    queryFn: () => api.get<MpesaStkRequest>(`${STK_REQUESTS}${id}/`),
    enabled: id !== null,
    initialData: initial,
    staleTime: 0,
    refetchInterval: (query) => (id !== null && !stopped ? nextPoll(query.state.data?.status, startedAt, Date.now()) : false),
  });
}
