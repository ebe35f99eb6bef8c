import { RefreshCw, WifiOff } from "lucide-react";
import { useRouteError } from "react-router-dom";
import { Button } from "@/components/ui/button";

/** Shown when a page fails to load or render, most often a chunk missing after a deploy or offline. */
export default function RouteError() {
  const error = useRouteError() as { message?: string } | undefined;
  const chunk = /dynamically imported module|Importing a module script failed|Loading chunk/i.test(error?.message ?? "");
  return (
    <div className="flex min-h-dvh flex-col items-center justify-center px-6 text-center" role="alert" data-testid="route-error">
      <WifiOff className="mb-3 size-8 text-muted-foreground" aria-hidden />
      <h1 className="text-lg font-semibold">{chunk ? "This page couldn't load" : "Something went wrong"}</h1>
      <p className="mt-1 max-w-sm text-sm text-muted-foreground">
        {chunk ? "You may be offline, or KAVI was just updated. Reload to get the latest version." : "Reload the page to try again. Your saved work is safe."}
      </p>
      <Button className="mt-4" onClick={() => window.location.reload()} data-testid="route-error-reload">
        <RefreshCw /> Reload
      </Button>
    </div>
  );
}
