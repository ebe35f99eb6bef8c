import { CloudOff } from "lucide-react";
import { useT } from "@/lib/i18n";

/** What a page shows instead of a loading placeholder when it is offline with nothing saved. */
export function OfflineNothingSaved() {
  const t = useT();
  return (
    <div className="flex flex-col items-center justify-center px-4 py-10 text-center" role="status" data-testid="offline-empty">
      <CloudOff className="mb-2 size-6 text-muted-foreground" aria-hidden />
      <p className="font-medium">{t("offline.nothingSaved.title")}</p>
      <p className="mt-1 max-w-sm text-sm text-muted-foreground">{t("offline.nothingSaved.body")}</p>
    </div>
  );
}
