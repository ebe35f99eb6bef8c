import { Pencil, PiggyBank, Plus, Trash2 } from "lucide-react";
import { useState, type ChangeEvent } from "react";
import { PageHeader, Pagination, StatusBadge, UtilizationBar, utilizationPercent } from "@/components/common";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { FormDialog } from "@/components/FormDialog";
import { QueryState } from "@/components/QueryState";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { toast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/api";
import { fieldError } from "@/lib/hooks";
import { useBudgets, useDeleteBudget, useSaveBudget } from "../api";
import { interpolate, useT } from "@/lib/i18n";
import { usePageTitle } from "@/lib/usePageTitle";
import { centsToString, formatMoney, moneyToCents, normalizeMoney } from "@/lib/money";
import { BUDGET_PERIODS, CATEGORY_SUGGESTIONS, categoryLabel, labelOf } from "@/lib/options";
import { canAdmin } from "@/lib/roles";
import type { Budget } from "@/lib/types";
import { formatDate, todayISO } from "@/lib/utils";
import { useUrlFilters } from "@/lib/useFilters";
import { useActiveBusiness, useRole } from "@/stores/session";

const FIELDS = ["category", "amount", "period", "start_date", "end_date", "alert_threshold"];

function BudgetForm({ budget, onClose }: { budget?: Budget | null; onClose: () => void }) {
  const t = useT();
  const editing = !!budget;
  const firstOfMonth = `${todayISO().slice(0, 8)}01`;
  const [form, setForm] = useState({
    category: budget?.category ?? "",
    amount: budget?.amount ?? "",
    period: budget?.period ?? "monthly",
    start_date: budget?.start_date ?? firstOfMonth,
    end_date: budget?.end_date ?? "",
    alert_threshold: budget?.alert_threshold != null ? String(budget.alert_threshold) : "80",
  });
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const set = (k: keyof typeof form) => (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm((f) => ({ ...f, [k]: e.target.value }));

  const save = useSaveBudget(budget, () => {
    toast.success(editing ? t("budgets.updated") : t("budgets.created"));
    onClose();
  });
  // Empty optional fields are left out: the server makes a budget without an end date last one period.
  const body = () => {
    const { end_date, alert_threshold, ...rest } = form;
    const out: Record<string, string | null> = { ...rest, amount: normalizeMoney(form.amount) ?? form.amount };
    if (end_date) out.end_date = end_date;
    else if (editing && budget?.end_date) out.end_date = null;
    if (alert_threshold) out.alert_threshold = alert_threshold;
    return out;
  };

  const submit = () => {
    const errors: Record<string, string> = {};
    if (!form.category.trim()) errors.category = t("budgets.err.category");
    const cents = moneyToCents(form.amount);
    if (cents === null || cents <= 0n) errors.amount = t("budgets.err.amount");
    const th = Number(form.alert_threshold);
    if (form.alert_threshold && (!Number.isFinite(th) || th <= 0 || th > 100)) errors.alert_threshold = t("budgets.err.threshold");
    setLocalErrors(errors);
    if (!Object.keys(errors).length) save.mutate(body());
  };
  const err = (k: string) => localErrors[k] ?? fieldError(save.error, k);

  return (
    <FormDialog
      onClose={onClose}
      title={editing ? t("budgets.edit") : t("btn.newBudget")}
      testId="budget-dialog"
      onSubmit={submit}
      pending={save.isPending}
      error={save.error}
      fields={FIELDS}
      submitTestId="budget-save"
    >
        <Field label={t("field.category")} error={err("category")} required hint={t("budgets.categoryHint")}>
          <Input value={form.category} onChange={set("category")} list="budget-categories" data-testid="budget-category" />
        </Field>
        <datalist id="budget-categories">
          {CATEGORY_SUGGESTIONS.map((c) => (
            <option key={c} value={c}>{categoryLabel(c)}</option>
          ))}
        </datalist>
        <div className="grid grid-cols-2 gap-4">
          <Field label={t("field.amountKes")} error={err("amount")} required>
            <Input inputMode="decimal" value={form.amount} onChange={set("amount")} data-testid="budget-amount" />
          </Field>
          <Field label={t("field.period")} error={err("period")}>
            <Select value={form.period} onChange={set("period")} data-testid="budget-period">
              {BUDGET_PERIODS.map((p) => (
                <option key={p.value} value={p.value}>
                  {p.label}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <div className="grid grid-cols-2 gap-4">
          <Field label={t("budgets.starts")} error={err("start_date")} required>
            <Input type="date" value={form.start_date} onChange={set("start_date")} data-testid="budget-start" />
          </Field>
          <Field label={t("budgets.ends")} error={err("end_date")} hint={t("common.optional")}>
            <Input type="date" value={form.end_date} onChange={set("end_date")} data-testid="budget-end" />
          </Field>
        </div>
        <Field label={t("budgets.alertAt")} error={err("alert_threshold")}>
          <Input inputMode="numeric" value={form.alert_threshold} onChange={set("alert_threshold")} data-testid="budget-threshold" />
        </Field>
    </FormDialog>
  );
}

export default function Budgets() {
  const t = useT();
  usePageTitle(t("nav.budgets"));
  const role = useRole();
  const business = useActiveBusiness();
  const currency = business?.currency || "KES";
  const { page, setPage } = useUrlFilters([] as const);
  const list = useBudgets(page);
  const [editing, setEditing] = useState<Budget | null>(null);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Budget | null>(null);
  const remove = useDeleteBudget(() => {
    toast.success(t("budgets.deleted"));
    setDeleting(null);
  });
  const admin = canAdmin(role);

  return (
    <div data-testid="page-budgets">
      <PageHeader
        title={t("nav.budgets")}
        description={t("budgets.description")}
        actions={
          admin && (
            <Button size="sm" onClick={() => setCreating(true)} data-testid="create-budget">
              <Plus /> {t("btn.newBudget")}
            </Button>
          )
        }
      />
      <QueryState
        query={list}
        loading={
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {Array.from({ length: 3 }, (_, i) => (
              <Skeleton key={i} className="h-40" />
            ))}
          </div>
        }
        frame={(node) => <Card>{node}</Card>}
        isEmpty={(data) => data.results.length === 0}
        empty={{
          icon: PiggyBank,
          title: t("budgets.emptyTitle"),
          body: admin ? t("budgets.emptyAdmin") : t("budgets.emptyOther"),
          action: admin && (
            <Button onClick={() => setCreating(true)}>
              <Plus /> {t("btn.newBudget")}
            </Button>
          ),
        }}
      >
        {(data) => (
          <>
            <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
              {data.results.map((b) => {
                const pct = utilizationPercent(b.utilization, b.spent, b.amount);
                const threshold = Number(b.alert_threshold ?? 80) || 80;
                return (
                  <Card key={b.id} data-testid="budget-card">
                    <CardContent className="grid gap-3 p-4 sm:p-5">
                      <div className="flex items-start justify-between gap-2">
                        <div className="min-w-0">
                          <h2 className="truncate font-semibold">{categoryLabel(b.category)}</h2>
                          <p className="text-xs text-muted-foreground">
                            {labelOf(BUDGET_PERIODS, b.period)} · {interpolate(t("budgets.fromDate"), { date: formatDate(b.start_date) })}
                            {b.end_date ? ` ${interpolate(t("budgets.toDate"), { date: formatDate(b.end_date) })}` : ""}
                          </p>
                        </div>
                        <StatusBadge status={b.status} />
                      </div>
                      <div>
                        <div className="mb-1 flex justify-between text-sm tabular">
                          <span>{interpolate(t("budgets.spent"), { amount: formatMoney(b.spent ?? "0.00", currency) })}</span>
                          <span className="font-medium" data-testid="budget-utilization">
                            {Math.round(pct)}%
                          </span>
                        </div>
                        <UtilizationBar value={pct} threshold={threshold} label={interpolate(t("budgets.usedOf"), { category: categoryLabel(b.category), pct: Math.round(pct) })} />
                        <div className="mt-1 flex justify-between text-xs text-muted-foreground tabular">
                          <span>{interpolate(t("budgets.of"), { amount: formatMoney(b.amount, currency) })}</span>
                          {(moneyToCents(b.remaining) ?? 0n) < 0n ? (
                            <span className="font-medium text-destructive">{interpolate(t("budgets.over"), { amount: formatMoney(centsToString(-(moneyToCents(b.remaining) ?? 0n)), currency) })}</span>
                          ) : (
                            <span>{interpolate(t("budgets.left"), { amount: formatMoney(b.remaining ?? "0.00", currency) })}</span>
                          )}
                        </div>
                      </div>
                      {admin && (
                        <div className="flex justify-end gap-1 border-t pt-2">
                          <Button variant="ghost" size="sm" onClick={() => setEditing(b)} aria-label={interpolate(t("budgets.editAria"), { category: categoryLabel(b.category) })} data-testid="edit-budget">
                            <Pencil /> {t("btn.edit")}
                          </Button>
                          <Button variant="ghost" size="sm" className="text-destructive" onClick={() => setDeleting(b)} aria-label={interpolate(t("budgets.deleteAria"), { category: categoryLabel(b.category) })} data-testid="delete-budget">
                            <Trash2 /> {t("btn.delete")}
                          </Button>
                        </div>
                      )}
                    </CardContent>
                  </Card>
                );
              })}
            </div>
            {(page > 1 || !!data.next) && (
              <Card className="mt-3">
                <Pagination page={page} pageSize={50} count={data.count} hasNext={!!data.next} onPage={setPage} />
              </Card>
            )}
          </>
        )}
      </QueryState>
      {creating && <BudgetForm onClose={() => setCreating(false)} />}
      {editing && <BudgetForm budget={editing} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        open={!!deleting}
        title={interpolate(t("budgets.deleteTitle"), { category: categoryLabel(deleting?.category) })}
        body={t("budgets.deleteBody")}
        confirmLabel={t("btn.delete")}
        destructive
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting, { onError: (e) => toast.error(errorMessage(e)) })}
        onClose={() => setDeleting(null)}
      />
    </div>
  );
}
