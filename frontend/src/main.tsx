import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router-dom";
import { router } from "./App";
import { Toaster } from "./components/ui/toast";
import { startOffline } from "./features/offline/runtime";
import { queryClient, setSessionExpiredHandler, tokens } from "./lib/client";
import { useSession } from "./stores/session";
import "./index.css";

// A failed refresh ends the session gently: back to the login page with a note.
setSessionExpiredHandler(() => {
  const wasSignedIn = useSession.getState().authed;
  useSession.getState().signedOut({ expired: wasSignedIn });
  queryClient.clear();
  const path = window.location.pathname;
  if (path !== "/login" && path !== "/register") {
    void router.navigate("/login", { replace: true, state: { from: path + window.location.search } });
  }
});

// Signing out in another tab signs out here too.
tokens.onChange(() => {
  if (!tokens.getRefresh() && useSession.getState().authed) {
    useSession.getState().signedOut();
    queryClient.clear();
    void router.navigate("/login", { replace: true });
  } else if (tokens.getRefresh() && !useSession.getState().authed) {
    useSession.getState().signedIn();
  }
});

document.documentElement.lang = useSession.getState().lang;
useSession.subscribe((s) => {
  document.documentElement.lang = s.lang;
});

function render() {
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
        <Toaster />
      </QueryClientProvider>
    </StrictMode>,
  );
}

// The last data the user saw is restored from IndexedDB before the first render, so a reload
// offline shows it at once; the offline outbox starts sending what was recorded offline.
void startOffline().finally(render);

if (import.meta.env.PROD && "serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker
      .register("/sw.js")
      .then(() => navigator.serviceWorker.ready)
      .then((reg) => {
        // Once the first screen is up and the browser is idle, let the worker keep the other
        // pages' files too, so they open offline later (they aren't part of the first download).
        const warm = () => reg.active?.postMessage({ type: "warm" });
        const idle = (window as Window & { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => number }).requestIdleCallback;
        if (idle) idle(warm, { timeout: 5_000 });
        else setTimeout(warm, 2_000);
      })
      .catch(() => undefined);
    navigator.serviceWorker.addEventListener("message", (e: MessageEvent<{ type?: string }>) => {
      if (e.data?.type === "warmed") document.documentElement.dataset.offlineReady = "true";
    });
  });
}
