/** The transactions feature's endpoints, each behind a named hook. Pages don't write API paths. */
import { useMutation } from "@tanstack/react-query";
import { ApiError, type QueryValue } from "@/lib/api";
import { api, invalidateBusiness, tokens } from "@/lib/client";
import { useBizMutation, useList } from "@/lib/hooks";
import type { Transaction } from "@/lib/types";
import { jwtUserId, newUuid } from "@/features/offline/ids";
import { outboxAdd, type OutboxForm } from "@/features/offline/outbox";
import { useSession } from "@/stores/session";

const BASE = "finance/transactions/";

export interface ImportResult {
  created: number;
  duplicates: number;
  errors: Array<{ row: number | string; message: string }>;
}

/** GET finance/transactions/ (paginated, filtered). */
export function useTransactions(params: Record<string, QueryValue>) {
  return useList<Transaction>(BASE, params);
}

/** The body of a create or an edit: JSON, or a form with the receipt file. */
export type TransactionBody = { json: Record<string, unknown> } | { form: OutboxForm };

function toRequest(body: TransactionBody): { json?: unknown; form?: FormData } {
  if ("json" in body) return { json: body.json };
  const fd = new FormData();
  for (const [k, v] of body.form.fields) fd.append(k, v);
  if (body.form.file) fd.append(body.form.fileField ?? "receipt", body.form.file, body.form.fileName ?? "receipt");
  return { form: fd };
}

/** A failure after which the server may or may not have the request: the outbox retries it. */
function worthQueueing(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 0 || err.status === 502 || err.status === 503 || err.status === 504);
}

export type CreateOutcome = { queued: false; transaction: Transaction } | { queued: true };

/**
 * POST finance/transactions/ with an Idempotency-Key. Offline (or when the request may not have
 * arrived) the transaction goes to the offline outbox with that same key, so the later sync
 * records it exactly once even if this attempt did reach the server.
 */
export function useCreateTransaction() {
  return useMutation<CreateOutcome, unknown, TransactionBody>({
    mutationFn: async (body) => {
      const key = newUuid();
      const userId = jwtUserId(tokens.getRefresh());
      const businessId = useSession.getState().businessId;
      const queue = async (): Promise<CreateOutcome> => {
        if (!userId || businessId === null) throw ApiError.network();
        await outboxAdd({ id: key, userId, businessId, kind: "transaction", path: BASE, ...body });
        return { queued: true };
      };
      if (typeof navigator !== "undefined" && !navigator.onLine) return queue();
      try {
        const transaction = await api.request<Transaction>(BASE, { method: "POST", ...toRequest(body), headers: { "Idempotency-Key": key } });
        return { queued: false, transaction };
      } catch (err) {
        if (worthQueueing(err)) return queue();
        throw err;
      }
    },
    onSuccess: async (outcome) => {
      if (!outcome.queued) await invalidateBusiness();
    },
  });
}

/** PATCH finance/transactions/{id}/. */
export function useUpdateTransaction(id: number | undefined) {
  return useBizMutation((body: TransactionBody) => api.request<Transaction>(`${BASE}${id}/`, { method: "PATCH", ...toRequest(body) }));
}

/** DELETE finance/transactions/{id}/. */
export function useDeleteTransaction(onDone?: () => void) {
  return useBizMutation((tx: Transaction) => api.del(`${BASE}${tx.id}/`), onDone);
}

/** GET finance/transactions/export/ as CSV or Excel (the current filters, every page). */
export function useExportTransactions() {
  return useMutation({
    mutationFn: ({ filters, format }: { filters: Record<string, QueryValue>; format: "csv" | "xlsx" }) =>
      api.blob(`${BASE}export/`, { query: { ...filters, format } }),
  });
}

/** POST finance/transactions/import/ (a statement or CSV file). */
export function useImportTransactions() {
  return useBizMutation(({ file, format }: { file: File; format: string }) => {
    const fd = new FormData();
    fd.append("file", file);
    fd.append("format", format);
    return api.request<ImportResult>(`${BASE}import/`, { method: "POST", form: fd });
  });
}
