import { lazy, Suspense, type ReactNode } from "react";
import { createBrowserRouter, Navigate, Outlet, useLocation } from "react-router-dom";
import { AppShell } from "@/features/shell/components/AppShell";
import { ErrorState } from "@/components/common";
import { Skeleton } from "@/components/ui/skeleton";
import { useMe } from "@/lib/hooks";
import RouteError from "@/features/shell/pages/RouteError";
import { useSession } from "@/stores/session";

const Login = lazy(() => import("@/features/auth/pages/Login"));
const Register = lazy(() => import("@/features/auth/pages/Register"));
const InvitationAccept = lazy(() => import("@/features/auth/pages/InvitationAccept"));
const CreateBusiness = lazy(() => import("@/features/auth/pages/CreateBusiness"));
const Dashboard = lazy(() => import("@/features/dashboard/pages/Dashboard"));
const Transactions = lazy(() => import("@/features/transactions/pages/Transactions"));
const Invoices = lazy(() => import("@/features/invoices/pages/Invoices"));
const InvoiceNew = lazy(() => import("@/features/invoices/pages/InvoiceNew"));
const InvoiceDetail = lazy(() => import("@/features/invoices/pages/InvoiceDetail"));
const InvoiceEdit = lazy(() => import("@/features/invoices/pages/InvoiceEdit"));
const Customers = lazy(() => import("@/features/parties/pages/Customers"));
const Suppliers = lazy(() => import("@/features/parties/pages/Suppliers"));
const Budgets = lazy(() => import("@/features/budgets/pages/Budgets"));
const CashFlow = lazy(() => import("@/features/insights/pages/CashFlow"));
const Forecasts = lazy(() => import("@/features/insights/pages/Forecasts"));
const CreditScore = lazy(() => import("@/features/insights/pages/CreditScore"));
const Team = lazy(() => import("@/features/team/pages/Team"));
const ActivityLog = lazy(() => import("@/features/activity/pages/ActivityLog"));
const Account = lazy(() => import("@/features/account/pages/Account"));
const ForgotPassword = lazy(() => import("@/features/account/pages/ForgotPassword"));
const ResetPassword = lazy(() => import("@/features/account/pages/ResetPassword"));
const BusinessSettings = lazy(() => import("@/features/settings/pages/BusinessSettings"));
const MpesaSettings = lazy(() => import("@/features/settings/pages/MpesaSettings"));
const NotFound = lazy(() => import("@/features/shell/pages/NotFound"));

function FullPageLoading() {
  return (
    <div className="flex min-h-dvh items-center justify-center" aria-busy="true" data-testid="app-loading">
      <div className="w-64 space-y-3">
        <Skeleton className="mx-auto h-10 w-10 rounded-full" />
        <Skeleton className="h-4 w-full" />
        <Skeleton className="h-4 w-2/3" />
      </div>
    </div>
  );
}

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<FullPageLoading />}>{children}</Suspense>;
}

/** Signed-out pages: a signed-in visitor goes to the app. */
function PublicOnly() {
  const authed = useSession((s) => s.authed);
  const location = useLocation();
  if (authed) {
    const next = new URLSearchParams(location.search).get("next");
    return <Navigate to={next && next.startsWith("/") && !next.startsWith("//") ? next : "/"} replace />;
  }
  return (
    <Lazy>
      <Outlet />
    </Lazy>
  );
}

/** Needs a session; loads the user (and memberships) before anything renders. */
function RequireAuth() {
  const authed = useSession((s) => s.authed);
  const location = useLocation();
  const me = useMe(authed);
  if (!authed) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (me.isPending) return <FullPageLoading />;
  if (me.isError) {
    return (
      <div className="flex min-h-dvh items-center justify-center">
        <ErrorState error={me.error} onRetry={() => void me.refetch()} />
      </div>
    );
  }
  return (
    <Lazy>
      <Outlet />
    </Lazy>
  );
}

/** The app proper needs an active business; a user without one is guided to create one. */
function RequireBusiness() {
  const user = useSession((s) => s.user);
  const businessId = useSession((s) => s.businessId);
  if (!user) return <FullPageLoading />;
  if (user.memberships.length === 0 || businessId === null) return <Navigate to="/onboarding" replace />;
  return <AppShell />;
}

function Onboarding() {
  const user = useSession((s) => s.user);
  if (user && user.memberships.length > 0) return <Navigate to="/" replace />;
  return <CreateBusiness />;
}

export const router = createBrowserRouter([
  {
    element: <PublicOnly />,
    errorElement: <RouteError />,
    children: [
      { path: "/login", element: <Login /> },
      { path: "/register", element: <Register /> },
    ],
  },
  {
    // Reachable signed in or out: a reset link may be opened in a browser that is still signed in.
    errorElement: <RouteError />,
    element: (
      <Lazy>
        <Outlet />
      </Lazy>
    ),
    children: [
      { path: "/forgot-password", element: <ForgotPassword /> },
      { path: "/reset-password", element: <ResetPassword /> },
    ],
  },
  {
    path: "/invitations/accept",
    errorElement: <RouteError />,
    element: (
      <Lazy>
        <InvitationAccept />
      </Lazy>
    ),
  },
  {
    element: <RequireAuth />,
    errorElement: <RouteError />,
    children: [
      { path: "/onboarding", element: <Onboarding /> },
      { path: "/businesses/new", element: <CreateBusiness /> },
      {
        element: <RequireBusiness />,
        children: [
          { path: "/", element: <Dashboard /> },
          { path: "/transactions", element: <Transactions /> },
          { path: "/invoices", element: <Invoices /> },
          { path: "/invoices/new", element: <InvoiceNew /> },
          { path: "/invoices/:id", element: <InvoiceDetail /> },
          { path: "/invoices/:id/edit", element: <InvoiceEdit /> },
          { path: "/customers", element: <Customers /> },
          { path: "/suppliers", element: <Suppliers /> },
          { path: "/budgets", element: <Budgets /> },
          { path: "/cash-flow", element: <CashFlow /> },
          { path: "/forecasts", element: <Forecasts /> },
          { path: "/credit-score", element: <CreditScore /> },
          { path: "/team", element: <Team /> },
          { path: "/activity", element: <ActivityLog /> },
          { path: "/account", element: <Account /> },
          { path: "/profile", element: <Account /> },
          { path: "/settings", element: <BusinessSettings /> },
          { path: "/settings/mpesa", element: <MpesaSettings /> },
          { path: "*", element: <NotFound /> },
        ],
      },
    ],
  },
]);
