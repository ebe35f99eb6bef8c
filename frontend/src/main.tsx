import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router-dom";
import { router } from "./App";
import { Toaster } from "./components/ui/toast";
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

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
      <Toaster />
    </QueryClientProvider>
  </StrictMode>,
);

if (import.meta.env.PROD && "serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").catch(() => undefined);
  });
}
