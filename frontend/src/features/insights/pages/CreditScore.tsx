import { Gauge, Minus, RefreshCw, TrendingDown, TrendingUp, type LucideIcon } from "lucide-react";
import { lazy, Suspense } from "react";
import { EmptyState, PageHeader, RunStatus } from "@/components/common";
import { QueryState } from "@/components/QueryState";
import { Badge, type BadgeProps } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { toast } from "@/components/ui/toast";
import { useComputeCreditScore, useCreditScores } from "../api";
import { interpolate, useT, type MessageKey } from "@/lib/i18n";
import { usePageTitle } from "@/lib/usePageTitle";
import { fractionToPercent, GRADE_BANDS, gradeTone, oldestFirst, SCORE_MAX, SCORE_MIN, scorePercent, trimDecimal, type Tone } from "@/lib/insights";
import { canWrite } from "@/lib/roles";
import type { CreditFactor, CreditImpact } from "@/lib/types";
import { cn, formatDate, formatDateTime } from "@/lib/utils";
import { useRole, useSession } from "@/stores/session";

const CreditHistoryChart = lazy(() => import("@/components/charts/CreditHistoryChart"));

const TONE_TEXT: Record<Tone, string> = { good: "text-success", fair: "text-amber-700", poor: "text-destructive" };
const BAND_COLOURS: Record<string, string> = { A: "bg-emerald-500", B: "bg-lime-400", C: "bg-amber-400", D: "bg-orange-400", E: "bg-red-400" };
const IMPACT: Record<CreditImpact, { icon: LucideIcon; badge: BadgeProps["variant"]; bar: string }> = {
  positive: { icon: TrendingUp, badge: "success", bar: "bg-success" },
  neutral: { icon: Minus, badge: "secondary", bar: "bg-muted-foreground/50" },
  negative: { icon: TrendingDown, badge: "danger", bar: "bg-destructive" },
};

/** The 300–850 scale in grade bands, with a marker where the score sits. */
function ScoreGauge({ score, label }: { score: number; label: string }) {
  const pct = scorePercent(score);
  const bands = [...GRADE_BANDS].reverse();
  return (
    <div className="w-full" data-testid="credit-gauge">
      <div className="relative pt-3" role="meter" aria-valuemin={SCORE_MIN} aria-valuemax={SCORE_MAX} aria-valuenow={score} aria-label={label}>
        <div className="absolute top-0 -translate-x-1/2" style={{ left: `${pct}%` }} aria-hidden>
          <div className="h-0 w-0 border-x-[6px] border-t-[8px] border-x-transparent border-t-foreground" />
        </div>
        <div className="flex h-3 w-full overflow-hidden rounded-full">
          {bands.map((b) => (
            <div key={b.grade} className={cn("h-full", BAND_COLOURS[b.grade])} style={{ width: `${((b.to - b.from) / (SCORE_MAX - SCORE_MIN)) * 100}%` }} />
          ))}
        </div>
      </div>
      <div className="mt-1 flex text-[11px] text-muted-foreground tabular" aria-hidden>
        {bands.map((b) => (
          <span key={b.grade} className="text-center" style={{ width: `${((b.to - b.from) / (SCORE_MAX - SCORE_MIN)) * 100}%` }}>
            {b.grade}
          </span>
        ))}
      </div>
      <div className="flex justify-between text-[11px] text-muted-foreground tabular" aria-hidden>
        <span>{SCORE_MIN}</span>
        <span>{SCORE_MAX}</span>
      </div>
    </div>
  );
}

function factorValue(t: ReturnType<typeof useT>, f: CreditFactor): string {
  if (f.value === null || f.value === undefined) return t("credit.noValue");
  const v = trimDecimal(f.value);
  if (f.unit === "percent") return `${v}%`;
  if (f.unit === "months") return `${v} ${t("credit.months")}`;
  return v;
}

function FactorRow({ factor }: { factor: CreditFactor }) {
  const t = useT();
  const lang = useSession((s) => s.lang);
  const impact = IMPACT[factor.impact] ?? IMPACT.neutral;
  const Icon = impact.icon;
  const weight = fractionToPercent(factor.weight);
  const score = fractionToPercent(factor.score);
  const nameKey = `credit.f.${factor.name}` as MessageKey;
  const translated = t(nameKey);
  const name = translated === nameKey ? factor.label || factor.name : translated;
  return (
    <li className="grid gap-2 py-3" data-testid="credit-factor" data-impact={factor.impact}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex min-w-0 items-center gap-2">
          <span className={cn("rounded-md p-1", factor.impact === "positive" ? "bg-emerald-50 text-success" : factor.impact === "negative" ? "bg-red-50 text-destructive" : "bg-muted text-muted-foreground")}>
            <Icon className="size-4" aria-hidden />
          </span>
          <span className="font-medium">{name}</span>
          <Badge variant={impact.badge}>{t(`credit.impact.${factor.impact}` as MessageKey)}</Badge>
        </div>
        <div className="flex items-center gap-3 text-sm tabular">
          <span className="font-medium">{factorValue(t, factor)}</span>
          {weight !== null && <span className="text-xs text-muted-foreground">{interpolate(t("credit.weight"), { pct: weight })}</span>}
        </div>
      </div>
      {score !== null && (
        <div
          className="h-1.5 w-full overflow-hidden rounded-full bg-muted"
          role="meter"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={score}
          aria-label={`${name}: ${interpolate(t("credit.factorScore"), { pct: score })}`}
        >
          <div className={cn("h-full rounded-full", impact.bar)} style={{ width: `${Math.min(Math.max(score, 0), 100)}%` }} />
        </div>
      )}
      <p className="text-sm text-muted-foreground">
        {/* The API explains each factor in English; in Swahili the sentence is built from the same figures. */}
        {lang === "en" ? factor.explanation : interpolate(t(`credit.explain.${factor.impact in IMPACT ? factor.impact : "neutral"}` as MessageKey), { name, value: factorValue(t, factor) })}
      </p>
    </li>
  );
}

export default function CreditScore() {
  const t = useT();
  usePageTitle(t("nav.credit"));
  const role = useRole();
  const writer = canWrite(role);
  const list = useCreditScores();
  const compute = useComputeCreditScore(() => toast.success(t("credit.done")));
  const rows = list.data?.results ?? [];
  const latest = rows[0] ?? null;
  // Cheap to build; not memoised so the dates follow a language change.
  const points = oldestFirst(rows).map((s) => ({ label: formatDate(s.created_at), score: s.score, grade: s.grade }));
  const button = (
    <Button size="sm" onClick={() => compute.mutate(undefined)} loading={compute.isPending} data-testid="create-credit-score">
      {!compute.isPending && (latest ? <RefreshCw /> : <Gauge />)} {t(latest ? "credit.recompute" : "credit.compute")}
    </Button>
  );

  return (
    <div data-testid="page-credit-score">
      <PageHeader title={t("nav.credit")} description={t("credit.description")} actions={writer && latest && button} />
      <RunStatus pending={compute.isPending} error={compute.isError ? compute.error : null} running={t("credit.running")} failed={t("credit.failed")} testId="credit" />
      <QueryState
        query={list}
        loading={
          <div className="grid gap-4 lg:grid-cols-3">
            <Skeleton className="h-56" />
            <Skeleton className="h-56 lg:col-span-2" />
          </div>
        }
        frame={(node) => <Card>{node}</Card>}
        isEmpty={() => !latest}
        empty={
          <EmptyState
            icon={Gauge}
            title={t("credit.emptyTitle")}
            body={
              <>
                {t("credit.emptyBody")}
                {!writer && <span className="mt-2 block">{t("credit.emptyViewer")}</span>}
              </>
            }
            action={writer && button}
          />
        }
      >
        {() =>
          latest && (
            <div className="grid gap-4 lg:grid-cols-3" data-testid="credit-latest">
              <div className="grid content-start gap-4">
                <Card>
                  <CardHeader>
                    <CardTitle>{t("credit.latest")}</CardTitle>
                  </CardHeader>
                  <CardContent className="grid gap-4">
                    <div className="flex items-end justify-between gap-3">
                      <div>
                        <p className={cn("text-5xl font-bold tracking-tight tabular", TONE_TEXT[gradeTone(latest.grade)])} data-testid="credit-score-value">
                          {latest.score}
                        </p>
                        <p className="mt-1 text-xs text-muted-foreground">{t("credit.outOf")}</p>
                      </div>
                      <Badge variant={gradeTone(latest.grade) === "good" ? "success" : gradeTone(latest.grade) === "fair" ? "warning" : "danger"} className="px-3 py-1 text-sm" data-testid="credit-grade">
                        {interpolate(t("credit.grade"), { grade: latest.grade })}
                      </Badge>
                    </div>
                    <ScoreGauge score={latest.score} label={`${t("credit.latest")}: ${latest.score}`} />
                    <p className="text-xs text-muted-foreground">{interpolate(t("credit.computed"), { date: formatDateTime(latest.created_at) })}</p>
                  </CardContent>
                </Card>
                <Card>
                  <CardHeader>
                    <CardTitle>{t("credit.history")}</CardTitle>
                  </CardHeader>
                  <CardContent>
                    {points.length < 2 ? (
                      <p className="text-sm text-muted-foreground" data-testid="credit-history-empty">
                        {t("credit.historyEmpty")}
                      </p>
                    ) : (
                      <Suspense fallback={<Skeleton className="h-48" />}>
                        <CreditHistoryChart points={points} title={t("credit.history")} />
                      </Suspense>
                    )}
                  </CardContent>
                </Card>
              </div>
              <Card className="lg:col-span-2">
                <CardHeader>
                  <CardTitle>{t("credit.factors")}</CardTitle>
                </CardHeader>
                <CardContent>
                  <ul className="divide-y" data-testid="credit-factors">
                    {latest.factors.map((f) => (
                      <FactorRow key={f.name} factor={f} />
                    ))}
                  </ul>
                </CardContent>
              </Card>
            </div>
          )
        }
      </QueryState>
    </div>
  );
}
