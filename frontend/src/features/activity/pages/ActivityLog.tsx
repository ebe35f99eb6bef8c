import { History, ShieldAlert } from "lucide-react";
import { EmptyState, PageHeader, Pagination } from "@/components/common";
import { QueryState } from "@/components/QueryState";
import { Card } from "@/components/ui/card";
import { ListSkeleton } from "@/components/ui/skeleton";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import { useActivityLogs } from "../api";
import { translateDynamic, useT } from "@/lib/i18n";
import { usePageTitle } from "@/lib/usePageTitle";
import { canAdmin } from "@/lib/roles";
import { formatDateTime, humanize } from "@/lib/utils";
import { useUrlFilters } from "@/lib/useFilters";
import { useRole, useSession } from "@/stores/session";

const PAGE_SIZE = 50;

function Changes({ before, after }: { before: unknown; after: unknown }) {
  const t = useT();
  if (!before && !after) return null;
  return (
    <details className="mt-1 text-xs">
      <summary className="cursor-pointer text-primary">{t("common.details")}</summary>
      <pre className="mt-1 max-h-48 max-w-[80vw] overflow-auto whitespace-pre-wrap rounded bg-muted p-2 sm:max-w-md">{JSON.stringify({ before, after }, null, 2)}</pre>
    </details>
  );
}

export default function ActivityLog() {
  const t = useT();
  usePageTitle(t("nav.activity"));
  const lang = useSession((s) => s.lang);
  const actionLabel = (action: string) => translateDynamic(lang, `activity.action.${action}`) ?? humanize(action.replace(/\./g, " "));
  const role = useRole();
  const admin = canAdmin(role);
  const { page, setPage } = useUrlFilters([] as const);
  const list = useActivityLogs(page, PAGE_SIZE, admin);
  const rows = list.data?.results ?? [];

  return (
    <div data-testid="page-activity">
      <PageHeader title={t("nav.activity")} description={t("activity.description")} />
      <Card>
        {!admin ? (
          <EmptyState icon={ShieldAlert} title={t("activity.adminsOnly")} body={t("activity.adminsOnlyBody")} />
        ) : (
          <QueryState query={list} loading={<ListSkeleton rows={8} />} isEmpty={(data) => data.results.length === 0} empty={{ icon: History, title: t("activity.empty") }}>
            {() => (
              <>
                <Table data-testid="activity-table">
                  <THead>
                    <tr>
                      <TH>{t("activity.when")}</TH>
                      <TH>{t("activity.who")}</TH>
                      <TH>{t("activity.what")}</TH>
                      <TH className="hidden md:table-cell">IP</TH>
                    </tr>
                  </THead>
                  <TBody>
                    {rows.map((l) => (
                      <TR key={l.id} data-testid="activity-row">
                        <TD className="whitespace-nowrap text-xs sm:text-sm">{formatDateTime(l.at)}</TD>
                        <TD className="max-w-[160px] truncate">{l.actor || t("common.system")}</TD>
                        <TD>
                          <span className="font-medium">{actionLabel(l.action)}</span>
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
          </QueryState>
        )}
      </Card>
    </div>
  );
}
