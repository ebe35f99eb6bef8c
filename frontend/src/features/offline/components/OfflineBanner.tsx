import { CloudOff, RefreshCw } from "lucide-react";
import { Link } from "react-router-dom";
import { Button } from "@/components/ui/button";
import { interpolate, useT } from "@/lib/i18n";
import { useOnline, useOutbox } from "../hooks";
import { syncNow } from "../runtime";

/** A clear note when the app is offline, with the count of records waiting to sync. */
export function OfflineBanner() {
  const t = useT();
  const online = useOnline();
  const items = useOutbox();
  const waiting = items.filter((i) => i.status === "queued").length;
  const failed = items.filter((i) => i.status === "failed").length;
  if (online && waiting === 0 && failed === 0) return null;
  return (
    <div role="status" className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-1 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950" data-testid="offline-banner">
      {!online && (
        <p className="flex min-w-0 flex-1 items-start gap-2" data-testid="offline-note">
          <CloudOff className="mt-0.5 size-4 shrink-0" aria-hidden />
          <span>{t("offline.banner.offline")}</span>
        </p>
      )}
      {waiting > 0 && (
        <span className="font-medium" data-testid="offline-waiting">
          {waiting === 1 ? t("offline.banner.waiting.one") : interpolate(t("offline.banner.waiting.many"), { count: waiting })}
        </span>
      )}
      {failed > 0 && (
        <span className="font-medium text-red-800" data-testid="offline-failed">
          {failed === 1 ? t("offline.banner.failed.one") : interpolate(t("offline.banner.failed.many"), { count: failed })}{" "}
          <Link to="/transactions" className="underline underline-offset-2">
            {t("offline.banner.review")}
          </Link>
        </span>
      )}
      {online && waiting > 0 && (
        <Button variant="outline" size="sm" className="ml-auto h-7" onClick={() => void syncNow()} data-testid="offline-sync-now">
          <RefreshCw /> {t("offline.banner.syncNow")}
        </Button>
      )}
    </div>
  );
}
