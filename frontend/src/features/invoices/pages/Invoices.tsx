import { FileText, Plus, Search } from "lucide-react";
import { Link, useNavigate } from "react-router-dom";
import { Money, PageHeader, Pagination, StatusBadge } from "@/components/common";
import { QueryState } from "@/components/QueryState";
import { buttonVariants } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { ListSkeleton } from "@/components/ui/skeleton";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import { interpolate, useT } from "@/lib/i18n";
import { INVOICE_STATUSES } from "@/lib/options";
import { canWrite } from "@/lib/roles";
import { cn, formatDate } from "@/lib/utils";
import { useSearchBox, useUrlFilters } from "@/lib/useFilters";
import { usePageTitle } from "@/lib/usePageTitle";
import { useRole } from "@/stores/session";
import { useInvoices } from "../api";
import { useCustomerName } from "../components/customerName";

const PAGE_SIZE = 25;

export default function Invoices() {
  const t = useT();
  usePageTitle(t("nav.invoices"));
  const role = useRole();
  const navigate = useNavigate();
  const { values, page, setFilter, setPage } = useUrlFilters(["status", "search"] as const);
  const [search, setSearch] = useSearchBox(values.search, (v) => setFilter({ search: v }));
  const list = useInvoices({ page, page_size: PAGE_SIZE, status: values.status, search: values.search, ordering: "-issue_date" });
  const customerName = useCustomerName();
  const rows = list.data?.results ?? [];
  const writer = canWrite(role);

  const chips = [{ value: "", label: t("word.all") }, ...INVOICE_STATUSES];

  return (
    <div className="pb-24" data-testid="page-invoices">
      <PageHeader
        title={t("nav.invoices")}
        description={t("invoices.list.intro")}
        actions={
          writer && (
            <Link to="/invoices/new" className={buttonVariants({ size: "sm" })} data-testid="create-invoice">
              <Plus /> {t("btn.newInvoice")}
            </Link>
          )
        }
      />
      <Card>
        <div className="space-y-3 border-b p-3">
          <div className="relative">
            <Search className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
            <Input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={`${t("btn.search")}…`} aria-label={t("btn.search")} className="pl-9" data-testid="invoice-search" />
          </div>
          <div className="-mx-1 flex gap-1.5 overflow-x-auto px-1 pb-1" role="group" aria-label={t("invoices.list.filterByStatus")}>
            {chips.map((c) => (
              <button
                key={c.value || "all"}
                type="button"
                onClick={() => setFilter({ status: c.value })}
                aria-pressed={values.status === c.value}
                data-testid={`status-chip-${c.value || "all"}`}
                className={cn(
                  "shrink-0 rounded-full border px-3 py-1 text-xs font-medium transition-colors",
                  values.status === c.value ? "border-primary bg-primary text-primary-foreground" : "bg-card hover:border-primary hover:text-primary",
                )}
              >
                {c.label}
              </button>
            ))}
          </div>
        </div>
        <QueryState
          query={list}
          loading={<ListSkeleton rows={6} />}
          isEmpty={(data) => data.results.length === 0}
          empty={{
            icon: FileText,
            title: values.status || values.search ? t("invoices.list.noneMatch") : t("invoices.list.none"),
            body: values.status || values.search ? undefined : t("invoices.list.noneBody"),
            action: writer && !values.status && (
              <Link to="/invoices/new" className={buttonVariants()}>
                <Plus /> {t("btn.newInvoice")}
              </Link>
            ),
          }}
        >
          {() => (
            <>
              <div className="hidden md:block">
                <Table data-testid="invoices-table">
                  <THead>
                    <tr>
                      <TH>{t("invoices.col.number")}</TH>
                      <TH>{t("invoices.col.customer")}</TH>
                      <TH>{t("invoices.col.issued")}</TH>
                      <TH>{t("invoices.col.due")}</TH>
                      <TH>{t("invoices.col.status")}</TH>
                      <TH className="text-right">{t("invoices.col.total")}</TH>
                      <TH className="text-right">{t("invoices.col.balance")}</TH>
                    </tr>
                  </THead>
                  <TBody>
                    {rows.map((inv) => (
                      <TR key={inv.id} className="cursor-pointer" onClick={() => navigate(`/invoices/${inv.id}`)} data-testid="invoice-row">
                        <TD className="font-medium">
                          <Link to={`/invoices/${inv.id}`} className="hover:underline" onClick={(e) => e.stopPropagation()}>
                            {inv.invoice_number || `#${inv.id}`}
                          </Link>
                        </TD>
                        <TD className="max-w-[220px] truncate">{customerName(inv)}</TD>
                        <TD className="whitespace-nowrap tabular">{formatDate(inv.issue_date)}</TD>
                        <TD className="whitespace-nowrap tabular">{formatDate(inv.due_date)}</TD>
                        <TD>
                          <StatusBadge status={inv.status} testId="invoice-status" />
                        </TD>
                        <TD className="text-right">
                          <Money value={inv.total_amount} currency={inv.currency} />
                        </TD>
                        <TD className="text-right font-medium">
                          <Money value={inv.balance_due} currency={inv.currency} />
                        </TD>
                      </TR>
                    ))}
                  </TBody>
                </Table>
              </div>
              <ul className="divide-y md:hidden">
                {rows.map((inv) => (
                  <li key={inv.id}>
                    <Link to={`/invoices/${inv.id}`} className="flex items-start gap-3 px-3 py-3 hover:bg-muted/40" data-testid="invoice-card">
                      <div className="min-w-0 flex-1">
                        <p className="truncate text-sm font-medium">
                          {inv.invoice_number || `#${inv.id}`} · {customerName(inv)}
                        </p>
                        <p className="text-xs text-muted-foreground">{interpolate(t("invoices.dueOn"), { date: formatDate(inv.due_date) })}</p>
                      </div>
                      <div className="flex flex-col items-end gap-1">
                        <Money value={inv.balance_due} currency={inv.currency} className="text-sm font-semibold" />
                        <StatusBadge status={inv.status} />
                      </div>
                    </Link>
                  </li>
                ))}
              </ul>
              <Pagination page={page} pageSize={PAGE_SIZE} count={list.data?.count} hasNext={!!list.data?.next} onPage={setPage} />
            </>
          )}
        </QueryState>
      </Card>
    </div>
  );
}
