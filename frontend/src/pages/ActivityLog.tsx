import { History, ShieldAlert } from "lucide-react";
import { EmptyState, ErrorState, PageHeader, Pagination } from "@/components/common";
import { Card } from "@/components/ui/card";
import { ListSkeleton } from "@/components/ui/skeleton";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import { useList } from "@/lib/hooks";
import { useT } from "@/lib/i18n";
import { canAdmin } from "@/lib/roles";
import type { ActivityLog as Log } from "@/lib/types";
import { formatDateTime, humanize } from "@/lib/utils";
import { useUrlFilters } from "@/lib/useFilters";
import { useRole } from "@/stores/session";

const PAGE_SIZE = 50;

function Changes({ before, after }: { before: unknown; after: unknown }) {
  if (!before && !after) return null;
  return (
    <details className="mt-1 text-xs">
      <summary className="cursor-pointer text-primary">Details</summary>
      <pre className="mt-1 max-h-48 max-w-[80vw] overflow-auto whitespace-pre-wrap rounded bg-muted p-2 sm:max-w-md">{JSON.stringify({ before, after }, null, 2)}</pre>
    </details>
  );
}

export default function ActivityLog() {
  const t = useT();
  const role = useRole();
  const admin = canAdmin(role);
  const { page, setPage } = useUrlFilters([] as const);
  const list = useList<Log>("core/activity-logs/", { page, page_size: PAGE_SIZE }, { enabled: admin });
  const rows = list.data?.results ?? [];

  return (
    <div data-testid="page-activity">
      <PageHeader title={t("nav.activity")} description="An append-only record of who changed what, and when." />
      <Card>
        {!admin ? (
          <EmptyState icon={ShieldAlert} title="Admins only" body="Ask the owner or an admin of this business for the activity log." />
        ) : list.isPending ? (
          <ListSkeleton rows={8} />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState icon={History} title="No activity yet" />
        ) : (
          <>
            <Table data-testid="activity-table">
              <THead>
                <tr>
                  <TH>When</TH>
                  <TH>Who</TH>
                  <TH>What</TH>
                  <TH className="hidden md:table-cell">IP</TH>
                </tr>
              </THead>
              <TBody>
                {rows.map((l) => (
                  <TR key={l.id} data-testid="activity-row">
                    <TD className="whitespace-nowrap text-xs sm:text-sm">{formatDateTime(l.at)}</TD>
                    <TD className="max-w-[160px] truncate">{l.actor || "System"}</TD>
                    <TD>
                      <span className="font-medium">{humanize(l.action.replace(/\./g, " "))}</span>
                      {l.object && <span className="text-muted-foreground"> · {l.object}</span>}
                      <Changes before={l.before} after={l.after} />
                    </TD>
                    <TD className="hidden whitespace-nowrap text-muted-foreground md:table-cell">{l.ip || "—"}</TD>
                  </TR>
                ))}
              </TBody>
            </Table>
            <Pagination page={page} pageSize={PAGE_SIZE} count={list.data?.count} hasNext={!!list.data?.next} onPage={setPage} />
          </>
        )}
      </Card>
    </div>
  );
}
