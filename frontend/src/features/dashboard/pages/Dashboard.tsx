import { AlertTriangle, ArrowDownRight, ArrowUpRight, Lightbulb, Receipt, Sparkles, Wallet } from "lucide-react";
import { lazy, Suspense, type ReactNode } from "react";
import { Link } from "react-router-dom";
import { EmptyState, ErrorState, Money, PageHeader, UtilizationBar, utilizationPercent } from "@/components/common";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useDashboard, useKaviInsights } from "../api";
import { interpolate, useT } from "@/lib/i18n";
import { usePageTitle } from "@/lib/usePageTitle";
import { formatMoney } from "@/lib/money";
import { categoryLabel, labelOf, PAYMENT_METHODS, TRANSACTION_TYPES } from "@/lib/options";
import { canWrite } from "@/lib/roles";
import type { Transaction } from "@/lib/types";
import { cn, formatDate, humanize, resultsOf } from "@/lib/utils";
import { useActiveBusiness, useRole, useSession } from "@/stores/session";
import { useUi } from "@/stores/ui";

const IncomeExpenseChart = lazy(() => import("@/components/charts/IncomeExpenseChart"));

function Kpi({ id, label, value, icon, sub, tone }: { id: string; label: string; value: ReactNode; icon: ReactNode; sub?: ReactNode; tone?: "good" | "bad" }) {
  return (
    <Card data-testid={`kpi-${id}`}>
      <CardContent className="p-4 sm:p-5">
        <div className="flex items-center justify-between text-sm text-muted-foreground">
          <span>{label}</span>
          <span className={cn("rounded-md p-1.5", tone === "bad" ? "bg-red-50 text-destructive" : "bg-accent text-accent-foreground")} aria-hidden>{icon}</span>
        </div>
        <div className="mt-2 whitespace-nowrap text-xl font-semibold tracking-tight tabular 2xl:text-2xl" data-testid={`kpi-${id}-value`}>
          {value}
        </div>
        {sub && <div className="mt-1 text-xs text-muted-foreground">{sub}</div>}
      </CardContent>
    </Card>
  );
}

interface Insight {
  id?: string | number;
  type?: string;
  kind?: string;
  code?: string;
  title?: string;
  message?: string;
  detail?: string;
  summary?: string;
  description?: string;
  severity?: string;
  level?: string;
}

function Insights() {
  const t = useT();
  const role = useRole();
  const openKavi = useUi((s) => s.openKavi);
  const lang = useSession((s) => s.lang);
  const insights = useKaviInsights(lang);
  const items = resultsOf<Insight>(insights.data);
  return (
    <Card data-testid="insights">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <Sparkles className="size-4 text-primary" aria-hidden /> {t("dash.insights")}
        </CardTitle>
      </CardHeader>
      <CardContent>
        {insights.isPending ? (
          <div className="space-y-2">
            <Skeleton className="h-12" />
            <Skeleton className="h-12" />
          </div>
        ) : insights.isError ? (
          <p className="text-sm text-muted-foreground">{t("dashboard.insightsUnavailable")}</p>
        ) : items.length === 0 ? (
          <p className="text-sm text-muted-foreground">{t("dashboard.insightsNone")}</p>
        ) : (
          <ul className="space-y-2">
            {items.slice(0, 5).map((i, idx) => {
              const severity = i.severity ?? i.level ?? "";
              const title = i.title ?? (i.type ?? i.kind ?? i.code ? humanize(i.type ?? i.kind ?? i.code) : t("dashboard.insight"));
              const body = i.message ?? i.detail ?? i.summary ?? i.description ?? "";
              return (
                <li key={i.id ?? idx} className="flex items-start gap-3 rounded-md border p-3" data-testid="insight">
                  <Lightbulb className={cn("mt-0.5 size-4 shrink-0", /high|critical|danger|error/.test(severity) ? "text-destructive" : "text-warning")} aria-hidden />
                  <div className="min-w-0 flex-1 text-sm">
                    <p className="font-medium">{title}</p>
                    {body && <p className="text-muted-foreground">{body}</p>}
                  </div>
                  {canWrite(role) && (
                    <button type="button" className="shrink-0 text-xs font-medium text-primary hover:underline" onClick={() => openKavi(body || title)} aria-label={interpolate(t("dashboard.askAbout"), { title })}>
                      {t("kavi.open")}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

export function TransactionMiniList({ items }: { items: Transaction[] }) {
  const t = useT();
  return (
    <ul className="divide-y" data-testid="recent-transactions">
      {items.map((tx) => (
        <li key={tx.id} className="flex items-center gap-3 py-2.5">
          <span className={cn("rounded-full p-1.5", tx.transaction_type === "income" ? "bg-emerald-50 text-success" : "bg-amber-50 text-warning")} aria-hidden>
            {tx.transaction_type === "income" ? <ArrowDownRight className="size-4" /> : <ArrowUpRight className="size-4" />}
          </span>
          <div className="min-w-0 flex-1">
            <p className="truncate text-sm font-medium">{tx.description || categoryLabel(tx.category) || labelOf(TRANSACTION_TYPES, tx.transaction_type)}</p>
            <p className="truncate text-xs text-muted-foreground">
              {[formatDate(tx.transaction_date), tx.counterparty || tx.customer_name || tx.supplier_name, categoryLabel(tx.category) || t("common.uncategorised"), labelOf(PAYMENT_METHODS, tx.payment_method)].filter(Boolean).join(" · ")}
            </p>
          </div>
          <Money value={tx.amount} currency={tx.currency} signed type={tx.transaction_type} className="text-sm font-medium" />
        </li>
      ))}
    </ul>
  );
}

export default function Dashboard() {
  const t = useT();
  usePageTitle(t("dash.title"));
  const business = useActiveBusiness();
  const currency = business?.currency || "KES";
  const dash = useDashboard();
  const d = dash.data;
  const loading = dash.isPending;
  const v = (value: string | undefined) => (loading ? <Skeleton className="h-7 w-32" /> : formatMoney(value ?? "0.00", currency));
  const series = Array.isArray(d?.series) ? d.series : [];
  const alerts = Array.isArray(d?.budget_alerts) ? d.budget_alerts : [];
  const recent = Array.isArray(d?.recent_transactions) ? d.recent_transactions : [];
  const overdue = d?.receivables?.overdue_count ?? 0;

  return (
    <div data-testid="page-dashboard">
      <PageHeader title={t("dash.title")} description={business ? business.dba_name || business.legal_name : undefined} />
      {dash.isError ? (
        <Card>
          <ErrorState error={dash.error} onRetry={() => void dash.refetch()} />
        </Card>
      ) : (
        <div className="grid gap-4 sm:gap-6">
          <div className="grid grid-cols-1 gap-3 min-[420px]:grid-cols-2 lg:grid-cols-4">
            <Kpi id="balance" label={t("dash.balance")} value={v(d?.balance)} icon={<Wallet className="size-4" />} />
            <Kpi id="income" label={t("dash.mtdIncome")} value={v(d?.month_to_date?.income)} icon={<ArrowDownRight className="size-4" />} />
            <Kpi id="expense" label={t("dash.mtdExpense")} value={v(d?.month_to_date?.expense)} icon={<ArrowUpRight className="size-4" />} sub={!loading && <>{t("dash.mtdNet")}: <span data-testid="kpi-net-value">{formatMoney(d?.month_to_date?.net ?? "0.00", currency)}</span></>} />
            <Kpi
              id="receivables"
              label={t("dash.receivables")}
              value={v(d?.receivables?.outstanding)}
              icon={<Receipt className="size-4" />}
              tone={overdue > 0 ? "bad" : undefined}
              sub={
                !loading && (
                  <Link to="/invoices?status=overdue" className={cn("hover:underline", overdue > 0 && "font-medium text-destructive")} data-testid="kpi-overdue">
                    {overdue} {t("dash.overdue")}
                  </Link>
                )
              }
            />
          </div>

          <div className="grid grid-cols-1 gap-4 lg:grid-cols-3 sm:gap-6">
            <Card className="min-w-0 lg:col-span-2">
              <CardHeader>
                <CardTitle>{t("dash.chart")}</CardTitle>
              </CardHeader>
              <CardContent>
                {loading ? (
                  <Skeleton className="h-64" />
                ) : series.length === 0 ? (
                  <EmptyState icon={Receipt} title={t("dashboard.noHistoryTitle")} body={t("dashboard.noHistoryBody")} />
                ) : (
                  <Suspense fallback={<Skeleton className="h-64" />}>
                    <IncomeExpenseChart series={series} incomeLabel={t("word.income")} expenseLabel={t("word.expense")} title={t("dash.chart")} />
                  </Suspense>
                )}
              </CardContent>
            </Card>
            <Card data-testid="budget-alerts">
              <CardHeader>
                <CardTitle className="flex items-center gap-2">
                  <AlertTriangle className="size-4 text-warning" aria-hidden /> {t("dash.budgetAlerts")}
                </CardTitle>
              </CardHeader>
              <CardContent>
                {loading ? (
                  <Skeleton className="h-24" />
                ) : alerts.length === 0 ? (
                  <p className="text-sm text-muted-foreground">
                    {t("dashboard.budgetsOnTrack")} <Link to="/budgets" className="text-primary underline underline-offset-2">{t("nav.budgets")}</Link>
                  </p>
                ) : (
                  <ul className="space-y-4">
                    {alerts.map((a) => {
                      const pct = utilizationPercent(a.utilization, a.spent, a.amount);
                      return (
                        <li key={a.id} data-testid="budget-alert">
                          <div className="mb-1 flex items-center justify-between gap-2 text-sm">
                            <span className="truncate font-medium">{categoryLabel(a.category)}</span>
                            <Badge variant={a.status === "exceeded" ? "danger" : "warning"}>{Math.round(pct)}%</Badge>
                          </div>
                          <UtilizationBar value={pct} label={`${categoryLabel(a.category)}: ${interpolate(t("common.used"), { pct: Math.round(pct) })}`} />
                          <p className="mt-1 text-xs text-muted-foreground tabular">
                            {interpolate(t("common.moreOf"), { spent: formatMoney(a.spent, currency), amount: formatMoney(a.amount, currency) })}
                          </p>
                        </li>
                      );
                    })}
                  </ul>
                )}
              </CardContent>
            </Card>
          </div>

          <div className="grid grid-cols-1 gap-4 lg:grid-cols-2 sm:gap-6">
            <Insights />
            <Card>
              <CardHeader className="flex-row items-center justify-between">
                <CardTitle>{t("dash.recent")}</CardTitle>
                <Link to="/transactions" className="text-sm text-primary hover:underline">
                  {t("nav.transactions")}
                </Link>
              </CardHeader>
              <CardContent>
                {loading ? (
                  <div className="space-y-2">
                    <Skeleton className="h-10" />
                    <Skeleton className="h-10" />
                    <Skeleton className="h-10" />
                  </div>
                ) : recent.length === 0 ? (
                  <EmptyState icon={Wallet} title={t("dashboard.noTxTitle")} body={t("dashboard.noTxBody")} action={<Link to="/transactions" className="text-sm font-medium text-primary hover:underline">{t("nav.transactions")}</Link>} />
                ) : (
                  <TransactionMiniList items={recent} />
                )}
              </CardContent>
            </Card>
          </div>
        </div>
      )}
    </div>
  );
}
