import { Waves } from "lucide-react";
import { lazy, Suspense, useMemo } from "react";
import { EmptyState, Money, PageHeader } from "@/components/common";
import { QueryState } from "@/components/QueryState";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import { useCashFlows } from "../api";
import { useT } from "@/lib/i18n";
import { usePageTitle } from "@/lib/usePageTitle";
import { moneyToCents } from "@/lib/money";
import type { CashFlowRow } from "@/lib/types";
import { cn, formatDate, formatMonth, resultsOf, todayISO } from "@/lib/utils";
import { useUrlFilters } from "@/lib/useFilters";
import { useActiveBusiness } from "@/stores/session";

const CashFlowChart = lazy(() => import("@/components/charts/CashFlowChart"));

function defaultFrom(): string {
  const d = new Date();
  return todayISO(new Date(d.getFullYear(), d.getMonth() - 11, 1));
}

function labelFor(row: CashFlowRow, period: string): string {
  const key = (period === "week" ? row.start ?? row.period_start : undefined) ?? row.period ?? row.period_start ?? row.start ?? row.label ?? "";
  if (period === "month" && /^\d{4}-\d{2}/.test(key)) return formatMonth(key);
  return /^\d{4}-\d{2}-\d{2}/.test(key) ? formatDate(key) : key;
}

export default function CashFlow() {
  const t = useT();
  usePageTitle(t("nav.cashflow"));
  const business = useActiveBusiness();
  const currency = business?.currency || "KES";
  const { values, setFilter } = useUrlFilters(["period", "date_from", "date_to"] as const);
  const period = values.period || "month";
  const dateFrom = values.date_from || defaultFrom();
  const dateTo = values.date_to || todayISO();
  const params = { period, date_from: dateFrom, date_to: dateTo };
  const q = useCashFlows(params);
  const rows = useMemo(() => resultsOf<CashFlowRow>(q.data).map((r) => ({ ...r, label: labelFor(r, period) })), [q.data, period]);

  return (
    <div data-testid="page-cashflow">
      <PageHeader title={t("nav.cashflow")} description={t("insights.cashflow.description")} />
      <Card className="mb-4">
        <CardContent className="grid grid-cols-2 gap-3 p-3 sm:grid-cols-3 sm:p-4">
          <Field label={t("field.period")} className="col-span-2 sm:col-span-1">
            <Select value={period} onChange={(e) => setFilter({ period: e.target.value === "month" ? "" : e.target.value, date_from: values.date_from, date_to: values.date_to })} data-testid="cashflow-period">
              <option value="month">{t("opt.period.monthly")}</option>
              <option value="week">{t("opt.period.weekly")}</option>
            </Select>
          </Field>
          <Field label={t("field.from")}>
            <Input type="date" value={dateFrom} onChange={(e) => setFilter({ ...values, date_from: e.target.value })} data-testid="cashflow-from" />
          </Field>
          <Field label={t("field.to")}>
            <Input type="date" value={dateTo} onChange={(e) => setFilter({ ...values, date_to: e.target.value })} data-testid="cashflow-to" />
          </Field>
        </CardContent>
      </Card>
      <QueryState
        query={q}
        loading={
          <div className="grid gap-4">
            <Skeleton className="h-72" />
            <Skeleton className="h-48" />
          </div>
        }
        frame={(node) => <Card>{node}</Card>}
        isEmpty={() => rows.length === 0}
        empty={<EmptyState icon={Waves} title={t("insights.cashflow.emptyTitle")} body={t("insights.cashflow.emptyBody")} />}
      >
        {() => (
          <div className="grid gap-4">
            <Card>
              <CardHeader>
                <CardTitle>{t("nav.cashflow")}</CardTitle>
              </CardHeader>
              <CardContent>
                <Suspense fallback={<Skeleton className="h-72" />}>
                  <CashFlowChart rows={rows.map((r) => ({ label: r.label ?? "", inflow: r.inflow, outflow: r.outflow, closing_balance: r.closing_balance }))} labels={{ inflow: t("insights.cashflow.inflow"), outflow: t("insights.cashflow.outflow"), closing: t("insights.cashflow.closingBalance"), title: t("insights.cashflow.chart") }} />
                </Suspense>
              </CardContent>
            </Card>
            <Card>
              <Table data-testid="cashflow-table">
                <THead>
                  <tr>
                    <TH>{t("field.period")}</TH>
                    <TH className="text-right">{t("insights.cashflow.opening")}</TH>
                    <TH className="text-right">{t("insights.cashflow.in")}</TH>
                    <TH className="text-right">{t("insights.cashflow.out")}</TH>
                    <TH className="text-right">{t("word.net")}</TH>
                    <TH className="text-right">{t("insights.cashflow.closing")}</TH>
                  </tr>
                </THead>
                <TBody>
                  {rows.map((r, i) => {
                    const negative = (moneyToCents(r.net) ?? 0n) < 0n;
                    return (
                      <TR key={`${r.label}-${i}`} data-testid="cashflow-row">
                        <TD className="whitespace-nowrap font-medium">{r.label}</TD>
                        <TD className="text-right"><Money value={r.opening_balance} currency={currency} /></TD>
                        <TD className="text-right text-success"><Money value={r.inflow} currency={currency} /></TD>
                        <TD className="text-right"><Money value={r.outflow} currency={currency} /></TD>
                        <TD className={cn("text-right font-medium", negative && "text-destructive")}><Money value={r.net} currency={currency} /></TD>
                        <TD className="text-right font-medium"><Money value={r.closing_balance} currency={currency} /></TD>
                      </TR>
                    );
                  })}
                </TBody>
              </Table>
            </Card>
          </div>
        )}
      </QueryState>
    </div>
  );
}
