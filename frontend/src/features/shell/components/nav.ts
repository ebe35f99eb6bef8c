import { Activity, ArrowLeftRight, ChartSpline, FileText, Gauge, LayoutDashboard, PiggyBank, Settings, Smartphone, Truck, Users, UsersRound, Waves, type LucideIcon } from "lucide-react";
import type { MessageKey } from "@/lib/i18n";
import { canAdmin } from "@/lib/roles";
import type { ModuleName, Role } from "@/lib/types";

export interface NavItem {
  to: string;
  label: MessageKey;
  icon: LucideIcon;
  testId: string;
  visible?: (role: Role | null) => boolean;
  /** The feature module the page belongs to: hidden when the business switched it off. */
  module?: ModuleName;
}

export const NAV: NavItem[] = [
  { to: "/", label: "nav.dashboard", icon: LayoutDashboard, testId: "nav-dashboard" },
  { to: "/transactions", label: "nav.transactions", icon: ArrowLeftRight, testId: "nav-transactions", module: "transactions" },
  { to: "/invoices", label: "nav.invoices", icon: FileText, testId: "nav-invoices", module: "invoices" },
  { to: "/customers", label: "nav.customers", icon: UsersRound, testId: "nav-customers" },
  { to: "/suppliers", label: "nav.suppliers", icon: Truck, testId: "nav-suppliers", module: "suppliers" },
  { to: "/budgets", label: "nav.budgets", icon: PiggyBank, testId: "nav-budgets", module: "budgets" },
  { to: "/cash-flow", label: "nav.cashflow", icon: Waves, testId: "nav-cashflow", module: "cashflow" },
  { to: "/forecasts", label: "nav.forecasts", icon: ChartSpline, testId: "nav-forecasts", module: "forecasts" },
  { to: "/credit-score", label: "nav.credit", icon: Gauge, testId: "nav-credit-score", module: "credit" },
  { to: "/team", label: "nav.team", icon: Users, testId: "nav-team", visible: canAdmin },
  // Everyone sees the M-Pesa requests; only admins and owners see and change the settings.
  { to: "/settings/mpesa", label: "nav.mpesa", icon: Smartphone, testId: "nav-mpesa", module: "mpesa" },
  { to: "/activity", label: "nav.activity", icon: Activity, testId: "nav-activity", visible: canAdmin },
  { to: "/settings", label: "settings.title", icon: Settings, testId: "nav-settings", visible: canAdmin },
];
