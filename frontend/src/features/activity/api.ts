/** The audit trail: one hook per endpoint. */
import { useList } from "@/lib/hooks";
import type { ActivityLog } from "@/lib/types";

/** GET core/activity-logs/ (admins and owners). */
export function useActivityLogs(page: number, pageSize: number, enabled: boolean) {
  return useList<ActivityLog>("core/activity-logs/", { page, page_size: pageSize }, { enabled });
}
