import { CloudOff, RefreshCw, Trash2 } from "lucide-react";
import { Money } from "@/components/common";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { toast } from "@/components/ui/toast";
import { interpolate, useT } from "@/lib/i18n";
import { categoryLabel, labelOf, PAYMENT_METHODS } from "@/lib/options";
import { formatDate } from "@/lib/utils";
import { useOutbox } from "@/features/offline/hooks";
import { outboxRemove, outboxRetry, type OutboxItem } from "@/features/offline/outbox";

/** The fields of a queued transaction, whether it was saved as JSON or as a form with a receipt. */
function fieldsOf(item: OutboxItem): Record<string, string> {
  if (item.form) return Object.fromEntries(item.form.fields);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(item.json ?? {})) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}

/** Transactions recorded offline: "waiting to sync", or refused by the server with retry/discard. */
export function PendingTransactions() {
  const t = useT();
  const items = useOutbox().filter((i) => i.kind === "transaction");
  if (items.length === 0) return null;
  return (
    <Card className="mb-4" data-testid="pending-transactions">
      <div className="border-b px-3 py-2">
        <h2 className="flex items-center gap-2 text-sm font-semibold">
          <CloudOff className="size-4" aria-hidden /> {t("transactions.outbox.title")}
        </h2>
        <p className="text-xs text-muted-foreground">{t("transactions.outbox.intro")}</p>
      </div>
      <ul className="divide-y">
        {items.map((item) => {
          const f = fieldsOf(item);
          const name = f.description || categoryLabel(f.category) || t("transactions.delete.fallbackName");
          return (
            <li key={item.id} className="flex flex-wrap items-start gap-3 px-3 py-3" data-testid="outbox-item" data-status={item.status}>
              <div className="min-w-0 flex-1">
                <p className="truncate text-sm font-medium">{name}</p>
                <p className="truncate text-xs text-muted-foreground">
                  {[formatDate(f.transaction_date), labelOf(PAYMENT_METHODS, f.payment_method), categoryLabel(f.category)].filter(Boolean).join(" · ")}
                </p>
                {item.status === "failed" ? (
                  <>
                    <Badge variant="danger" className="mt-1" data-testid="outbox-status">
                      {t("transactions.outbox.failed")}
                    </Badge>
                    {(item.error || item.errorCode) && (
                      <p className="mt-1 text-xs text-destructive" data-testid="outbox-error">
                        {item.errorCode === "idempotency_conflict" ? t("transactions.outbox.conflict") : item.error}
                      </p>
                    )}
                  </>
                ) : (
                  <Badge variant="warning" className="mt-1" data-testid="outbox-status">
                    {t("transactions.outbox.waiting")}
                  </Badge>
                )}
              </div>
              <div className="flex flex-col items-end gap-1">
                <Money value={f.amount} signed type={f.transaction_type} className="text-sm font-semibold" />
                {item.status === "failed" && (
                  <div className="flex gap-1">
                    <Button variant="outline" size="sm" onClick={() => void outboxRetry(item.id)} aria-label={interpolate(t("transactions.outbox.retryLabel"), { name })} data-testid="outbox-retry">
                      <RefreshCw /> {t("transactions.outbox.retry")}
                    </Button>
                    <Button
                      variant="ghost"
                      size="sm"
                      className="text-destructive"
                      onClick={() => void outboxRemove(item.id).then(() => toast.success(t("transactions.outbox.discarded")))}
                      aria-label={interpolate(t("transactions.outbox.discardLabel"), { name })}
                      data-testid="outbox-discard"
                    >
                      <Trash2 /> {t("transactions.outbox.discard")}
                    </Button>
                  </div>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </Card>
  );
}
