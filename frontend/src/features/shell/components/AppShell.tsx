import { LogOut, Menu, UserRound } from "lucide-react";
import { lazy, Suspense, useState } from "react";
import { NavLink, Outlet, useNavigate } from "react-router-dom";
import { Dialog } from "@/components/ui/dialog";
import { Skeleton } from "@/components/ui/skeleton";
import { OfflineBanner } from "@/features/offline/components/OfflineBanner";
import { api, queryClient } from "@/lib/client";
import { useT } from "@/lib/i18n";
import { cn } from "@/lib/utils";
import { useActiveBusiness, useModuleOn, useRole, useSession } from "@/stores/session";
import { canWrite } from "@/lib/roles";
import { BusinessSwitcher } from "./BusinessSwitcher";
import { NAV } from "./nav";

const KaviPanel = lazy(() => import("@/features/kavi/components/KaviPanel"));

function Brand() {
  return (
    <div className="flex items-center gap-2">
      <img src="/icons/favicon.svg" alt="" width={28} height={28} className="size-7" />
      <span className="text-lg font-bold tracking-wide text-primary">KAVI</span>
    </div>
  );
}

function NavLinks({ onNavigate }: { onNavigate?: () => void }) {
  const t = useT();
  const role = useRole();
  const moduleOn = useModuleOn();
  return (
    <nav aria-label={t("shell.mainNav")} className="grid gap-0.5">
      {NAV.filter((n) => (!n.visible || n.visible(role)) && moduleOn(n.module)).map((item) => (
        <NavLink
          key={item.to}
          to={item.to}
          end={item.to === "/"}
          onClick={onNavigate}
          data-testid={item.testId}
          className={({ isActive }) =>
            cn(
              "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium text-muted-foreground transition-colors hover:bg-accent hover:text-accent-foreground",
              isActive && "bg-accent text-accent-foreground",
            )
          }
        >
          <item.icon className="size-4" aria-hidden />
          {t(item.label)}
        </NavLink>
      ))}
    </nav>
  );
}

function AccountLinks({ onNavigate }: { onNavigate?: () => void }) {
  const t = useT();
  const navigate = useNavigate();
  const user = useSession((s) => s.user);
  const signedOut = useSession((s) => s.signedOut);
  const logout = async () => {
    onNavigate?.();
    await api.logout();
    signedOut();
    queryClient.clear();
    navigate("/login", { replace: true });
  };
  return (
    <div className="grid gap-0.5 border-t pt-3">
      <NavLink
        to="/account"
        onClick={onNavigate}
        data-testid="nav-profile"
        className={({ isActive }) =>
          cn("flex items-center gap-3 rounded-md px-3 py-2 text-sm text-muted-foreground hover:bg-accent", isActive && "bg-accent text-accent-foreground")
        }
      >
        <UserRound className="size-4" aria-hidden />
        <span className="min-w-0 flex-1 truncate">{user?.first_name ? `${user.first_name} ${user.last_name}`.trim() : t("nav.profile")}</span>
      </NavLink>
      <button
        type="button"
        onClick={logout}
        data-testid="logout"
        className="flex items-center gap-3 rounded-md px-3 py-2 text-left text-sm text-muted-foreground hover:bg-accent"
      >
        <LogOut className="size-4" aria-hidden />
        {t("nav.logout")}
      </button>
    </div>
  );
}

function PageFallback() {
  return (
    <div className="space-y-4" data-testid="page-loading" aria-busy="true">
      <Skeleton className="h-8 w-48" />
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-24" />
        ))}
      </div>
      <Skeleton className="h-64" />
    </div>
  );
}

export function AppShell() {
  const t = useT();
  const [menuOpen, setMenuOpen] = useState(false);
  const businessId = useSession((s) => s.businessId);
  const business = useActiveBusiness();
  const role = useRole();
  const kaviOn = useModuleOn()("kavi");

  return (
    <div className="min-h-dvh lg:grid lg:grid-cols-[248px_1fr]">
      <a
        href="#main"
        className="sr-only z-[60] rounded-md bg-card px-4 py-2 text-sm font-medium text-primary shadow focus:not-sr-only focus:fixed focus:left-2 focus:top-2"
        data-testid="skip-link"
      >
        {t("shell.skip")}
      </a>
      <aside className="sticky top-0 hidden h-dvh flex-col gap-4 overflow-y-auto border-r bg-card px-3 py-4 lg:flex">
        <div className="px-2">
          <Brand />
        </div>
        <div className="px-2">
          <BusinessSwitcher />
        </div>
        <div className="flex-1">
          <NavLinks />
        </div>
        <AccountLinks />
      </aside>

      <header className="sticky top-0 z-30 flex h-14 items-center gap-2 border-b bg-card/95 px-2 backdrop-blur lg:hidden">
        <button
          type="button"
          onClick={() => setMenuOpen(true)}
          className="rounded-md p-2 hover:bg-muted"
          aria-label={t("nav.menu")}
          data-testid="menu-open"
        >
          <Menu className="size-5" aria-hidden />
        </button>
        <Brand />
        {/* The right end (mr-12) is kept for the "Ask KAVI" button, which sits in this bar below lg. */}
        <span className={cn("ml-auto max-w-[45%] truncate pr-2 text-sm text-muted-foreground", canWrite(role) && kaviOn && "mr-12")} data-testid="active-business-name">
          {business?.dba_name || business?.legal_name}
        </span>
      </header>

      <Dialog open={menuOpen} onClose={() => setMenuOpen(false)} title={<Brand />} side="left" className="max-w-[85vw] sm:max-w-xs" testId="mobile-menu">
        <div className="flex h-full flex-col gap-4 p-3">
          <BusinessSwitcher onDone={() => setMenuOpen(false)} />
          <div className="flex-1">
            <NavLinks onNavigate={() => setMenuOpen(false)} />
          </div>
          <AccountLinks onNavigate={() => setMenuOpen(false)} />
        </div>
      </Dialog>

      <main id="main" tabIndex={-1} className="min-w-0 px-3 pb-8 pt-4 sm:px-6 lg:px-8 lg:pb-24 lg:pt-8">
        <div className="mx-auto max-w-6xl">
          <OfflineBanner />
          <Suspense fallback={<PageFallback />}>
            {/* Remount pages when the business changes so no query or form keeps the old business. */}
            <Outlet key={businessId ?? "none"} />
          </Suspense>
        </div>
      </main>

      {canWrite(role) && kaviOn && (
        <Suspense fallback={null}>
          <KaviPanel key={businessId ?? "none"} />
        </Suspense>
      )}
    </div>
  );
}
