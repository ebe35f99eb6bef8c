import { ArrowLeftRight, Download, Filter, Paperclip, Pencil, Plus, Search, Trash2, Upload } from "lucide-react";
import { useMemo, useState } from "react";
import { Money, PageHeader, Pagination, StatusBadge } from "@/components/common";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { QueryState } from "@/components/QueryState";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { ListSkeleton } from "@/components/ui/skeleton";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import { toast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/api";
import { useCustomerOptions, useSupplierOptions } from "@/lib/hooks";
import { interpolate, useT } from "@/lib/i18n";
import { usePageTitle } from "@/lib/usePageTitle";
import { parseDecimal } from "@/lib/money";
import { openReceipt } from "@/lib/receipts";
import { categoryLabel, labelOf, PAYMENT_METHODS, TRANSACTION_STATUSES, TRANSACTION_TYPES } from "@/lib/options";
import { canAdmin, canWrite } from "@/lib/roles";
import type { Transaction } from "@/lib/types";
import { cn, downloadBlob, formatDate, todayISO } from "@/lib/utils";
import { useSearchBox, useUrlFilters } from "@/lib/useFilters";
import { useRole } from "@/stores/session";
import { useOnline } from "@/features/offline/hooks";
import { useDeleteTransaction, useExportTransactions, useTransactions } from "../api";
import { ImportDialog } from "../components/ImportDialog";
import { PendingTransactions } from "../components/PendingTransactions";
import { TransactionForm } from "../components/TransactionForm";

const FILTER_KEYS = ["search", "transaction_type", "category", "payment_method", "status", "date_from", "date_to", "min_amount", "max_amount"] as const;
const PAGE_SIZE = 25;

export default function Transactions() {
  const t = useT();
  usePageTitle(t("transactions.title"));
  const role = useRole();
  const online = useOnline();
  const { values, page, setFilter, setPage, clear, active } = useUrlFilters(FILTER_KEYS);
  const [search, setSearch] = useSearchBox(values.search, (v) => setFilter({ search: v }));
  const [showFilters, setShowFilters] = useState(active > (values.search ? 1 : 0));
  const [editing, setEditing] = useState<Transaction | null>(null);
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [deleting, setDeleting] = useState<Transaction | null>(null);

  // Amount filters go to the server only when they are valid decimals.
  const query = useMemo(() => {
    const q: Record<string, string | number> = { page, page_size: PAGE_SIZE, ordering: "-transaction_date" };
    for (const k of FILTER_KEYS) {
      const v = values[k];
      if (!v) continue;
      if ((k === "min_amount" || k === "max_amount") && !parseDecimal(v)) continue;
      q[k] = v;
    }
    return q;
  }, [values, page]);

  const list = useTransactions(query);
  const customers = useCustomerOptions();
  const suppliers = useSupplierOptions();
  const names = useMemo(() => {
    const m = new Map<string, string>();
    customers.data?.results.forEach((c) => m.set(`c${c.id}`, c.name));
    suppliers.data?.results.forEach((s) => m.set(`s${s.id}`, s.name));
    return m;
  }, [customers.data, suppliers.data]);
  const partyOf = (tx: Transaction) =>
    tx.customer_name ?? tx.supplier_name ?? (tx.customer ? names.get(`c${tx.customer}`) : tx.supplier ? names.get(`s${tx.supplier}`) : undefined) ?? "";

  const remove = useDeleteTransaction(() => {
    toast.success(t("transactions.toast.deleted"));
    setDeleting(null);
  });

  const exporter = useExportTransactions();
  const exporting = exporter.isPending ? exporter.variables?.format : null;
  const exportAs = (format: "csv" | "xlsx") => {
    const filters: Record<string, string | number> = { ...query };
    delete filters.page;
    delete filters.page_size;
    exporter.mutate(
      { filters, format },
      {
        onSuccess: ({ blob, filename }) => downloadBlob(blob, filename ?? `transactions-${todayISO()}.${format}`),
        onError: (err) => toast.error(errorMessage(err)),
      },
    );
  };

  const rows = list.data?.results ?? [];
  const writer = canWrite(role);
  const admin = canAdmin(role);

  return (
    <div data-testid="page-transactions">
      <PageHeader
        title={t("transactions.title")}
        description={t("transactions.description")}
        actions={
          <>
            <Button variant="outline" size="sm" onClick={() => exportAs("csv")} loading={exporting === "csv"} disabled={!online} data-testid="export-csv">
              <Download /> {t("transactions.export.csv")}
            </Button>
            <Button variant="outline" size="sm" onClick={() => exportAs("xlsx")} loading={exporting === "xlsx"} disabled={!online} data-testid="export-xlsx">
              <Download /> {t("transactions.export.xlsx")}
            </Button>
            {writer && (
              <Button variant="outline" size="sm" onClick={() => setImporting(true)} data-testid="import-transactions">
                <Upload /> {t("btn.import")}
              </Button>
            )}
            {writer && (
              <Button size="sm" onClick={() => setCreating(true)} data-testid="create-transaction">
                <Plus /> {t("btn.newTransaction")}
              </Button>
            )}
          </>
        }
      />

      <PendingTransactions />

      <Card>
        <div className="flex flex-wrap items-center gap-2 border-b p-3">
          <div className="relative min-w-0 flex-1">
            <Search className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
            <Input value={search} onChange={(e) => setSearch(e.target.value)} placeholder={`${t("btn.search")}…`} aria-label={t("btn.search")} className="pl-9" data-testid="tx-search" type="search" />
          </div>
          <Button variant={showFilters ? "secondary" : "outline"} onClick={() => setShowFilters((v) => !v)} aria-expanded={showFilters} data-testid="toggle-filters">
            <Filter /> {t("btn.filters")}
            {active - (values.search ? 1 : 0) > 0 && <span className="rounded-full bg-primary px-1.5 text-xs text-primary-foreground">{active - (values.search ? 1 : 0)}</span>}
          </Button>
        </div>
        {showFilters && (
          <div className="grid grid-cols-2 gap-3 border-b bg-muted/30 p-3 md:grid-cols-4" data-testid="filters">
            <Field label={t("transactions.filter.type")}>
              <Select value={values.transaction_type} onChange={(e) => setFilter({ transaction_type: e.target.value })} data-testid="filter-type">
                <option value="">{t("word.all")}</option>
                {TRANSACTION_TYPES.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label={t("transactions.filter.method")}>
              <Select value={values.payment_method} onChange={(e) => setFilter({ payment_method: e.target.value })} data-testid="filter-method">
                <option value="">{t("word.all")}</option>
                {PAYMENT_METHODS.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label={t("transactions.filter.status")}>
              <Select value={values.status} onChange={(e) => setFilter({ status: e.target.value })} data-testid="filter-status">
                <option value="">{t("word.all")}</option>
                {TRANSACTION_STATUSES.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label={t("transactions.filter.category")}>
              <Input key={`c${values.category}`} defaultValue={values.category} onBlur={(e) => setFilter({ category: e.target.value.trim() })} onKeyDown={(e) => e.key === "Enter" && setFilter({ category: e.currentTarget.value.trim() })} data-testid="filter-category" />
            </Field>
            <Field label={t("transactions.filter.from")}>
              <Input type="date" value={values.date_from} onChange={(e) => setFilter({ date_from: e.target.value })} data-testid="filter-date-from" />
            </Field>
            <Field label={t("transactions.filter.to")}>
              <Input type="date" value={values.date_to} onChange={(e) => setFilter({ date_to: e.target.value })} data-testid="filter-date-to" />
            </Field>
            <Field label={t("transactions.filter.min")} error={values.min_amount && !parseDecimal(values.min_amount) ? t("transactions.filter.notNumber") : undefined}>
              <Input key={`mn${values.min_amount}`} inputMode="decimal" defaultValue={values.min_amount} onBlur={(e) => setFilter({ min_amount: e.target.value.trim() })} data-testid="filter-min-amount" />
            </Field>
            <Field label={t("transactions.filter.max")} error={values.max_amount && !parseDecimal(values.max_amount) ? t("transactions.filter.notNumber") : undefined}>
              <Input key={`mx${values.max_amount}`} inputMode="decimal" defaultValue={values.max_amount} onBlur={(e) => setFilter({ max_amount: e.target.value.trim() })} data-testid="filter-max-amount" />
            </Field>
            <div className="col-span-2 flex justify-end md:col-span-4">
              <Button variant="ghost" size="sm" onClick={clear} disabled={active === 0} data-testid="clear-filters">
                {t("btn.clear")}
              </Button>
            </div>
          </div>
        )}

        <QueryState
          query={list}
          offline={!online}
          keepData
          loading={<ListSkeleton rows={6} />}
          isEmpty={(data) => data.results.length === 0}
          empty={
            active > 0
              ? { icon: Search, title: t("transactions.empty.filtered"), action: <Button variant="outline" size="sm" onClick={clear}>{t("btn.clear")}</Button> }
              : {
                  icon: ArrowLeftRight,
                  title: t("transactions.empty.title"),
                  body: t("transactions.empty.body"),
                  action: writer && (
                    <Button onClick={() => setCreating(true)}>
                      <Plus /> {t("btn.newTransaction")}
                    </Button>
                  ),
                }
          }
        >
          {() => (
            <>
              <div className="hidden md:block">
                <Table data-testid="transactions-table">
                  <THead>
                    <tr>
                      <TH>{t("transactions.col.date")}</TH>
                      <TH>{t("transactions.col.description")}</TH>
                      <TH>{t("transactions.col.category")}</TH>
                      <TH>{t("transactions.col.method")}</TH>
                      <TH>{t("transactions.col.status")}</TH>
                      <TH className="text-right">{t("transactions.col.amount")}</TH>
                      {(writer || admin) && <TH className="w-20"><span className="sr-only">{t("transactions.col.actions")}</span></TH>}
                    </tr>
                  </THead>
                  <TBody>
                    {rows.map((tx) => (
                      <TR key={tx.id} data-testid="transaction-row">
                        <TD className="whitespace-nowrap tabular">{formatDate(tx.transaction_date)}</TD>
                        <TD className="max-w-[260px]">
                          <div className="truncate font-medium">{tx.description || "—"}</div>
                          <div className="truncate text-xs text-muted-foreground">
                            {[partyOf(tx), tx.reference_number].filter(Boolean).join(" · ")}
                            {(tx.receipt || tx.receipt_url) && (
                              <button
                                type="button"
                                onClick={() => openReceipt(tx).catch((e: unknown) => toast.error(errorMessage(e)))}
                                className="ml-1 inline-flex items-center gap-0.5 rounded text-primary hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                                aria-label={t("transactions.openReceipt")}
                                title={t("transactions.openReceipt")}
                                data-testid="transaction-receipt"
                              >
                                <Paperclip className="inline size-3" aria-hidden="true" />
                              </button>
                            )}
                          </div>
                        </TD>
                        <TD>{categoryLabel(tx.category) || <span className="text-muted-foreground">—</span>}</TD>
                        <TD className="whitespace-nowrap">{labelOf(PAYMENT_METHODS, tx.payment_method)}</TD>
                        <TD>
                          <StatusBadge status={tx.status} />
                        </TD>
                        <TD className="text-right font-medium">
                          <Money value={tx.amount} currency={tx.currency} signed type={tx.transaction_type} />
                        </TD>
                        {(writer || admin) && (
                          <TD>
                            <div className="flex justify-end gap-1">
                              {writer && (
                                <Button variant="ghost" size="icon" className="size-8" onClick={() => setEditing(tx)} aria-label={`${t("btn.edit")} ${tx.description || tx.id}`} data-testid="edit-transaction">
                                  <Pencil />
                                </Button>
                              )}
                              {admin && (
                                <Button variant="ghost" size="icon" className="size-8 text-destructive" onClick={() => setDeleting(tx)} aria-label={`${t("btn.delete")} ${tx.description || tx.id}`} data-testid="delete-transaction">
                                  <Trash2 />
                                </Button>
                              )}
                            </div>
                          </TD>
                        )}
                      </TR>
                    ))}
                  </TBody>
                </Table>
              </div>
              <ul className="divide-y md:hidden" data-testid="transactions-cards">
                {rows.map((tx) => (
                  <li key={tx.id} className="flex items-start gap-3 px-3 py-3" data-testid="transaction-card">
                    <div className="min-w-0 flex-1">
                      <p className="truncate text-sm font-medium">{tx.description || categoryLabel(tx.category) || "—"}</p>
                      <p className="truncate text-xs text-muted-foreground">
                        {formatDate(tx.transaction_date)} · {labelOf(PAYMENT_METHODS, tx.payment_method)}
                        {tx.category ? ` · ${categoryLabel(tx.category)}` : ""}
                      </p>
                      {tx.status !== "completed" && (
                        <div className="mt-1">
                          <StatusBadge status={tx.status} />
                        </div>
                      )}
                    </div>
                    <div className="flex flex-col items-end gap-1">
                      <Money value={tx.amount} currency={tx.currency} signed type={tx.transaction_type} className={cn("text-sm font-semibold")} />
                      <div className="flex gap-1">
                        {writer && (
                          <button type="button" className="rounded p-1 text-muted-foreground hover:bg-muted" onClick={() => setEditing(tx)} aria-label={`${t("btn.edit")} ${tx.description || tx.id}`} data-testid="edit-transaction">
                            <Pencil className="size-4" />
                          </button>
                        )}
                        {admin && (
                          <button type="button" className="rounded p-1 text-destructive hover:bg-muted" onClick={() => setDeleting(tx)} aria-label={`${t("btn.delete")} ${tx.description || tx.id}`} data-testid="delete-transaction">
                            <Trash2 className="size-4" />
                          </button>
                        )}
                      </div>
                    </div>
                  </li>
                ))}
              </ul>
              <Pagination page={page} pageSize={PAGE_SIZE} count={list.data?.count} hasNext={!!list.data?.next} onPage={setPage} />
            </>
          )}
        </QueryState>
      </Card>

      {creating && <TransactionForm open onClose={() => setCreating(false)} />}
      {editing && <TransactionForm open transaction={editing} onClose={() => setEditing(null)} />}
      {importing && <ImportDialog open onClose={() => setImporting(false)} />}
      <ConfirmDialog
        open={!!deleting}
        title={t("transactions.delete.title")}
        body={deleting ? interpolate(t("transactions.delete.body"), { name: deleting.description || categoryLabel(deleting.category) || t("transactions.delete.fallbackName") }) : ""}
        confirmLabel={t("btn.delete")}
        destructive
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting, { onError: (e) => toast.error(errorMessage(e)) })}
        onClose={() => setDeleting(null)}
      />
    </div>
  );
}
