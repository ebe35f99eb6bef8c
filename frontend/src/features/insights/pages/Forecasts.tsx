import { Plus, TrendingUp } from "lucide-react";
import { lazy, Suspense, useMemo, useState } from "react";
import { EmptyState, Money, PageHeader, RunStatus } from "@/components/common";
import { QueryState } from "@/components/QueryState";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import { toast } from "@/components/ui/toast";
import { useCreateForecast, useForecasts } from "../api";
import { interpolate, useT } from "@/lib/i18n";
import { usePageTitle } from "@/lib/usePageTitle";
import { accuracyFromMape, clampHorizon, forecastChartRows, HORIZON_DEFAULT, HORIZON_MAX, HORIZON_MIN, isNegative, lowestPeriod, methodKind } from "@/lib/insights";
import { formatMoney } from "@/lib/money";
import { canWrite } from "@/lib/roles";
import type { Forecast, ForecastBacktest } from "@/lib/types";
import { cn, formatDateTime, formatMonth } from "@/lib/utils";
import { useActiveBusiness, useRole } from "@/stores/session";

const ForecastChart = lazy(() => import("@/components/charts/ForecastChart"));

const HORIZONS = Array.from({ length: HORIZON_MAX - HORIZON_MIN + 1 }, (_, i) => HORIZON_MIN + i);

type T = ReturnType<typeof useT>;

function HorizonControl({ value, onChange, onSubmit, busy }: { value: number; onChange: (n: number) => void; onSubmit: () => void; busy: boolean }) {
  const t = useT();
  return (
    <div className="flex items-end gap-2">
      <label className="grid gap-1 text-xs font-medium text-muted-foreground">
        {t("fc.horizon")}
        <Select value={value} onChange={(e) => onChange(clampHorizon(e.target.value))} className="h-9 w-36" disabled={busy} data-testid="forecast-horizon">
          {HORIZONS.map((n) => (
            <option key={n} value={n}>
              {n === 1 ? t("fc.oneMonth") : interpolate(t("fc.monthsOption"), { n })}
            </option>
          ))}
        </Select>
      </label>
      <Button size="sm" onClick={onSubmit} loading={busy} data-testid="create-forecast">
        {!busy && <Plus />} {t("fc.new")}
      </Button>
    </div>
  );
}

function methodText(t: T, method: string): string {
  const kind = methodKind(method);
  return kind === "other" ? method : t(`fc.method.${kind}`);
}

function Accuracy({ backtest, currency }: { backtest?: ForecastBacktest; currency: string }) {
  const t = useT();
  if (!backtest) return null;
  const sentences: string[] = [];
  if (backtest.status === "ok" && backtest.net) {
    const months = backtest.months ?? [];
    sentences.push(
      interpolate(t("fc.backtestOk"), {
        train: backtest.training_months ?? "?",
        k: backtest.holdout_months ?? months.length,
        from: months[0] ? formatMonth(months[0]) : "?",
        to: months.length ? formatMonth(months[months.length - 1]) : "?",
      }),
    );
    const mae = formatMoney(backtest.net.mae, currency);
    sentences.push(backtest.net.mape != null ? interpolate(t("fc.backtestMissPct"), { mae, mape: backtest.net.mape }) : interpolate(t("fc.backtestMiss"), { mae }));
    const level = accuracyFromMape(backtest.net.mape);
    if (level) sentences.push(t(`fc.accuracy.${level}`));
  } else {
    sentences.push(interpolate(t("fc.backtestNone"), { n: backtest.history_months ?? 0 }));
  }
  if (backtest.band?.level) sentences.push(interpolate(t("fc.band"), { level: backtest.band.level }));
  return (
    <Card data-testid="forecast-accuracy">
      <CardHeader>
        <CardTitle>{t("fc.accuracy")}</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-2 text-sm">
        {sentences.map((s, i) => (
          <p key={i}>{s}</p>
        ))}
      </CardContent>
    </Card>
  );
}

function ForecastView({ forecast, currency }: { forecast: Forecast; currency: string }) {
  const t = useT();
  const cur = forecast.currency || currency;
  const rows = useMemo(() => forecastChartRows(forecast.periods), [forecast.periods]);
  const last = forecast.periods[forecast.periods.length - 1];
  const worst = lowestPeriod(forecast.periods);
  return (
    <div className="grid gap-4" data-testid="forecast-latest">
      <Card>
        <CardContent className="grid gap-4 p-4 sm:grid-cols-3 sm:p-5">
          <div className="sm:col-span-1">
            <p className="text-sm text-muted-foreground">{t("fc.method")}</p>
            <p className="mt-1 font-medium" data-testid="forecast-method">
              {methodText(t, forecast.method)}
            </p>
            <p className="mt-1 text-xs text-muted-foreground">{interpolate(t("fc.made"), { date: formatDateTime(forecast.created_at), n: forecast.horizon_months })}</p>
          </div>
          <div>
            <p className="text-sm text-muted-foreground">{t("fc.opening")}</p>
            <p className="mt-1 text-xl font-semibold tabular" data-testid="forecast-opening">
              <Money value={forecast.opening_balance} currency={cur} />
            </p>
          </div>
          {last && (
            <div>
              <p className="text-sm text-muted-foreground">
                {t("fc.endBalance")} ({formatMonth(last.period)})
              </p>
              <p className={cn("mt-1 text-xl font-semibold tabular", isNegative(last.balance) && "text-destructive")} data-testid="forecast-end-balance">
                <Money value={last.balance} currency={cur} />
              </p>
              <p className="text-xs text-muted-foreground tabular">
                {t("fc.range")}: {formatMoney(last.balance_low, cur)} – {formatMoney(last.balance_high, cur)}
              </p>
            </div>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("fc.chart")}</CardTitle>
          {worst && (
            <CardDescription className={cn(isNegative(worst.balance_low) && "font-medium text-destructive")} data-testid="forecast-worst">
              {interpolate(t(isNegative(worst.balance_low) ? "fc.worstNegative" : "fc.worst"), { amount: formatMoney(worst.balance_low, cur), month: formatMonth(worst.period) })}
            </CardDescription>
          )}
        </CardHeader>
        <CardContent>
          <Suspense fallback={<Skeleton className="h-72" />}>
            <ForecastChart
              rows={rows}
              currency={cur}
              labels={{ income: t("word.income"), expense: t("word.expense"), balance: t("word.balance"), range: t("fc.range"), title: t("fc.chart") }}
            />
          </Suspense>
        </CardContent>
      </Card>
      <Card>
        <Table data-testid="forecast-table">
          <THead>
            <tr>
              <TH>{t("fc.period")}</TH>
              <TH className="text-right">{t("word.income")}</TH>
              <TH className="text-right">{t("word.expense")}</TH>
              <TH className="text-right">{t("word.net")}</TH>
              <TH className="text-right">{t("word.balance")}</TH>
              <TH className="text-right">
                {t("fc.low")} – {t("fc.high")}
              </TH>
            </tr>
          </THead>
          <TBody>
            {forecast.periods.map((p, i) => {
              const recorded = i === 0 && ((p.recorded_income && !/^0(\.0+)?$/.test(p.recorded_income)) || (p.recorded_expense && !/^0(\.0+)?$/.test(p.recorded_expense)));
              return (
                <TR key={p.period} data-testid="forecast-row">
                  <TD className="whitespace-nowrap font-medium">
                    {formatMonth(p.period)}
                    {recorded && (
                      <span className="block max-w-[16rem] whitespace-normal text-xs font-normal text-muted-foreground">
                        {interpolate(t("fc.recorded"), { income: formatMoney(p.recorded_income, cur), expense: formatMoney(p.recorded_expense, cur) })}
                      </span>
                    )}
                  </TD>
                  <TD className="text-right text-success">
                    <Money value={p.income} currency={cur} />
                  </TD>
                  <TD className="text-right">
                    <Money value={p.expense} currency={cur} />
                  </TD>
                  <TD className={cn("text-right font-medium", isNegative(p.net) && "text-destructive")}>
                    <Money value={p.net} currency={cur} />
                  </TD>
                  <TD className={cn("text-right font-medium", isNegative(p.balance) && "text-destructive")} data-testid="forecast-row-balance">
                    <Money value={p.balance} currency={cur} />
                  </TD>
                  <TD className="whitespace-nowrap text-right text-xs text-muted-foreground tabular">
                    <span className="block">{formatMoney(p.balance_low, cur)} –</span>
                    <span className="block">{formatMoney(p.balance_high, cur)}</span>
                  </TD>
                </TR>
              );
            })}
          </TBody>
        </Table>
      </Card>
      <Accuracy backtest={forecast.backtest} currency={cur} />
    </div>
  );
}

export default function Forecasts() {
  const t = useT();
  usePageTitle(t("nav.forecasts"));
  const role = useRole();
  const business = useActiveBusiness();
  const currency = business?.currency || "KES";
  const writer = canWrite(role);
  const [horizon, setHorizon] = useState(HORIZON_DEFAULT);
  const list = useForecasts();
  const create = useCreateForecast(() => toast.success(t("fc.done")));
  const latest = list.data?.results[0] ?? null;
  const run = () => create.mutate(horizon);

  return (
    <div data-testid="page-forecasts">
      <PageHeader
        title={t("nav.forecasts")}
        description={t("fc.description")}
        actions={writer && (latest || list.isPending || list.isError) && <HorizonControl value={horizon} onChange={setHorizon} onSubmit={run} busy={create.isPending} />}
      />
      <RunStatus pending={create.isPending} error={create.isError ? create.error : null} running={t("fc.running")} failed={t("fc.failed")} testId="forecast" />
      <QueryState
        query={list}
        loading={
          <div className="grid gap-4">
            <Skeleton className="h-24" />
            <Skeleton className="h-72" />
          </div>
        }
        frame={(node) => <Card>{node}</Card>}
        isEmpty={() => !latest}
        empty={
          <EmptyState
            icon={TrendingUp}
            title={t("fc.emptyTitle")}
            body={
              <>
                {t("fc.emptyBody")}
                {!writer && <span className="mt-2 block">{t("fc.emptyViewer")}</span>}
              </>
            }
            action={writer && <HorizonControl value={horizon} onChange={setHorizon} onSubmit={run} busy={create.isPending} />}
          />
        }
      >
        {() => latest && <ForecastView forecast={latest} currency={currency} />}
      </QueryState>
    </div>
  );
}
