import { RefreshCw, WifiOff } from "lucide-react";
import { useRouteError } from "react-router-dom";
import { Button } from "@/components/ui/button";
import { useT } from "@/lib/i18n";
import { usePageTitle } from "@/lib/usePageTitle";

/** Shown when a page fails to load or render, most often a chunk missing after a deploy or offline. */
export default function RouteError() {
  const t = useT();
  const error = useRouteError() as { message?: string } | undefined;
  const chunk = /dynamically imported module|Importing a module script failed|Loading chunk/i.test(error?.message ?? "");
  const title = chunk ? t("shell.error.chunkTitle") : t("shell.error.title");
  usePageTitle(title);
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center px-6 text-center" role="alert" data-testid="route-error">
      <WifiOff className="mb-3 size-8 text-muted-foreground" aria-hidden />
      <h1 className="text-lg font-semibold">{title}</h1>
      <p className="mt-1 max-w-sm text-sm text-muted-foreground">{chunk ? t("shell.error.chunkBody") : t("shell.error.body")}</p>
      <Button className="mt-4" onClick={() => window.location.reload()} data-testid="route-error-reload">
        <RefreshCw /> {t("shell.error.reload")}
      </Button>
    </main>
  );
}
