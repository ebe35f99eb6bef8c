import { AlertTriangle, ChevronLeft, ChevronRight, Loader2, type LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { OfflineNothingSaved } from "@/features/offline/components/OfflineNothingSaved";
import { ApiError, errorMessage } from "@/lib/api";
import { interpolate, useT } from "@/lib/i18n";
import { formatMoney } from "@/lib/money";
import { statusLabel } from "@/lib/options";
import { cn } from "@/lib/utils";
import { Badge, type BadgeProps } from "./ui/badge";
import { Button } from "./ui/button";
import { FormError } from "./ui/field";

export function PageHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-4 flex flex-col gap-3 sm:mb-6 sm:flex-row sm:items-end sm:justify-between">
      <div className="min-w-0">
        <h1 className="text-xl font-semibold tracking-tight sm:text-2xl">{title}</h1>
        {description && <p className="mt-1 text-sm text-muted-foreground">{description}</p>}
      </div>
      {actions && <div className="flex flex-wrap gap-2">{actions}</div>}
    </div>
  );
}

export function EmptyState({ icon: Icon, title, body, action }: { icon: LucideIcon; title: string; body?: ReactNode; action?: ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center px-4 py-12 text-center" data-testid="empty-state">
      <div className="mb-3 rounded-full bg-accent p-3 text-accent-foreground">
        <Icon className="size-6" aria-hidden />
      </div>
      <p className="font-medium">{title}</p>
      {body && <p className="mt-1 max-w-sm text-sm text-muted-foreground">{body}</p>}
      {action && <div className="mt-4">{action}</div>}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT();
  // Offline with nothing saved for this page: say so plainly rather than "couldn't reach the server".
  if (error instanceof ApiError && error.status === 0 && typeof navigator !== "undefined" && !navigator.onLine) return <OfflineNothingSaved />;
  return (
    <div className="flex flex-col items-center justify-center px-4 py-10 text-center" role="alert" data-testid="error-state">
      <AlertTriangle className="mb-2 size-6 text-destructive" aria-hidden />
      <p className="text-sm text-muted-foreground">{errorMessage(error)}</p>
      {onRetry && (
        <Button variant="outline" size="sm" className="mt-3" onClick={onRetry}>
          {t("btn.retry")}
        </Button>
      )}
    </div>
  );
}

export function Pagination({ page, pageSize, count, hasNext, onPage }: { page: number; pageSize: number; count?: number; hasNext: boolean; onPage: (p: number) => void }) {
  const t = useT();
  if (page === 1 && !hasNext) return null;
  const from = (page - 1) * pageSize + 1;
  return (
    <div className="flex items-center justify-between gap-2 border-t px-4 py-3 text-sm text-muted-foreground">
      <span className="tabular">
        {count !== undefined ? interpolate(t("common.range"), { from, to: Math.min(page * pageSize, count), count }) : interpolate(t("common.page"), { n: page })}
      </span>
      <div className="flex gap-2">
        <Button variant="outline" size="sm" disabled={page <= 1} onClick={() => onPage(page - 1)} aria-label={t("btn.previous")} data-testid="page-prev">
          <ChevronLeft />
        </Button>
        <Button variant="outline" size="sm" disabled={!hasNext} onClick={() => onPage(page + 1)} aria-label={t("btn.next")} data-testid="page-next">
          <ChevronRight />
        </Button>
      </div>
    </div>
  );
}

export function Money({ value, currency, className, signed, type }: { value: string | null | undefined; currency?: string; className?: string; signed?: boolean; type?: string }) {
  const prefix = signed && type === "expense" ? "−" : signed && type === "income" ? "+" : "";
  return (
    <span className={cn("tabular whitespace-nowrap", signed && type === "income" && "text-success", signed && type === "expense" && "text-foreground", className)}>
      {prefix}
      {formatMoney(value, currency ?? "KES")}
    </span>
  );
}

const STATUS_VARIANTS: Record<string, BadgeProps["variant"]> = {
  draft: "secondary",
  sent: "info",
  partially_paid: "warning",
  paid: "success",
  overdue: "danger",
  cancelled: "outline",
  pending: "warning",
  completed: "success",
  failed: "danger",
  ok: "success",
  warning: "warning",
  exceeded: "danger",
  accepted: "success",
  expired: "outline",
  revoked: "outline",
};

export function StatusBadge({ status, testId }: { status: string | null | undefined; testId?: string }) {
  useT(); // re-render when the language changes
  if (!status) return null;
  return (
    <Badge variant={STATUS_VARIANTS[status] ?? "secondary"} data-testid={testId}>
      {statusLabel(status)}
    </Badge>
  );
}

/** A utilization bar: green below the threshold, amber at it, red past 100%. */
export function UtilizationBar({ value, threshold = 80, label }: { value: number; threshold?: number; label?: string }) {
  const t = useT();
  const pct = Number.isFinite(value) ? value : 0;
  const color = pct >= 100 ? "bg-destructive" : pct >= threshold ? "bg-warning" : "bg-success";
  return (
    <div
      className="h-2 w-full overflow-hidden rounded-full bg-muted"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(Math.min(pct, 100))}
      aria-label={label ?? interpolate(t("common.used"), { pct: Math.round(pct) })}
    >
      <div className={cn("h-full rounded-full transition-all", color)} style={{ width: `${Math.min(Math.max(pct, 0), 100)}%` }} />
    </div>
  );
}

/** Utilization is a percentage ("85.50" or 85.5); computed from spent/amount when missing. Display only. */
export function utilizationPercent(value: string | number | null | undefined, spent?: string, amount?: string): number {
  let n = typeof value === "number" ? value : value ? Number(value) : NaN;
  if (!Number.isFinite(n) && spent && amount) {
    const a = Number(amount);
    n = a > 0 ? (Number(spent) / a) * 100 : 0;
  }
  return Number.isFinite(n) ? n : 0;
}

/** A long action's state above a page: a spinner line while it runs, the reason when it failed.
 *  Test ids: `${testId}-running`, `${testId}-error`. */
export function RunStatus({ pending, error, running, failed, testId }: { pending: boolean; error: unknown; running: string; failed: string; testId: string }) {
  if (pending) {
    return (
      <div className="mb-4 flex items-center gap-2 rounded-md border bg-accent/50 px-3 py-2 text-sm" role="status" data-testid={`${testId}-running`}>
        <Loader2 className="size-4 animate-spin" aria-hidden /> {running}
      </div>
    );
  }
  if (!error) return null;
  return (
    <div className="mb-4" data-testid={`${testId}-error`}>
      <FormError message={`${failed} ${errorMessage(error)}`} />
    </div>
  );
}
