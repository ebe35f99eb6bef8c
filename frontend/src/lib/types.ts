/** The API's shapes. Where the schema describes one exactly it is taken from the generated
 * src/api/schema.d.ts (`make types`), so a backend change that breaks the app fails `tsc`; the rest
 * are written by hand (the schema types them loosely, e.g. a status as a plain string). */
import type { components } from "@/api/schema";

type Schemas = components["schemas"];

export type Role = Schemas["RoleEnum"];
export type Lang = "en" | "sw";

export interface Paginated<T> {
  count?: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export type BusinessRef = Schemas["BusinessRef"];

/** A feature module a business can switch off (core.models.Module), as /users/me/ lists them. */
export type ModuleName = keyof Schemas["Modules"];
export type MembershipRef = Omit<Schemas["MembershipRef"], "role"> & { role: Role };

export type Me = Omit<Schemas["User"], "language_preference" | "memberships"> & {
  language_preference?: Lang;
  memberships: MembershipRef[];
};

export type Business = Omit<Schemas["Business"], "role"> & { role?: Role | null };

export type TransactionType = Schemas["TransactionTypeEnum"];
export type PaymentMethod = Schemas["PaymentMethodEnum"];
export type TransactionStatus = Schemas["TransactionStatusEnum"];

export type Transaction = Schemas["Transaction"] & {
  /** the dashboard's recent transactions name the customer or supplier here */
  counterparty?: string | null;
};

export type Customer = Schemas["Customer"];

export type Supplier = Schemas["Supplier"];

export type InvoiceStatus = "draft" | "sent" | "partially_paid" | "paid" | "overdue" | "cancelled";

export interface InvoiceItem {
  id?: number;
  description: string;
  quantity: string;
  unit_price: string;
  tax_rate: string;
  amount?: string;
  line_total?: string;
  tax_amount?: string;
}

export type Invoice = Omit<Schemas["Invoice"], "status" | "items" | "invoice_number"> & {
  /** the schema types it as a plain string */
  status: InvoiceStatus;
  /** optional to write (the API numbers it), always there in a response */
  invoice_number: string;
  items: InvoiceItem[];
  /** not in the API (it sends customer_name); kept while features/invoices still reads it */
  customer_detail?: { id: number; name: string; email?: string } | null;
};

export type Budget = Omit<Schemas["Budget"], "status"> & { status: "ok" | "warning" | "exceeded" };

export interface DashboardData {
  balance?: string;
  month_to_date?: { income?: string; expense?: string; net?: string };
  receivables?: { outstanding?: string; overdue_count?: number };
  budget_alerts?: Array<{ id: number; category: string; amount: string; spent: string; utilization: string | number; status: string }>;
  recent_transactions?: Transaction[];
  series?: Array<{ month: string; income: string; expense: string; net: string }>;
  currency?: string;
}

export interface CashFlowRow {
  period?: string;
  period_start?: string;
  period_end?: string;
  start?: string;
  label?: string;
  opening_balance: string;
  inflow: string;
  outflow: string;
  net: string;
  closing_balance: string;
}

export type Membership = Schemas["Membership"];

export type Invitation = Schemas["Invitation"];

export type ActivityLog = Schemas["ActivityLog"];

export interface KaviSource {
  tool: string;
  params?: Record<string, unknown>;
}

export interface KaviReply {
  conversation_id: string | number;
  message: string;
  suggestions?: string[];
  data?: Record<string, unknown>;
  sources?: KaviSource[];
}

export interface Profile {
  email?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  job_title?: string;
  company?: string;
  city?: string;
  country?: string;
  timezone?: string;
  language_preference?: Lang;
  currency_preference?: string;
}

/** One month of a forecast (`period` is YYYY-MM, starting with the current month). */
export type ForecastPeriod = Schemas["ForecastPeriod"];

/** Misses on the held-out months: mae is money, mape a percentage (null when the actuals were all zero). */
export type BacktestError = Schemas["BacktestError"];

export interface ForecastBacktest {
  status: "ok" | "insufficient history";
  detail?: string;
  method?: string | null;
  history_months?: number;
  history_from?: string | null;
  history_to?: string | null;
  training_months?: number;
  holdout_months?: number;
  months?: string[];
  income?: BacktestError | null;
  expense?: BacktestError | null;
  net?: BacktestError | null;
  band?: { level?: number; z?: string; sigma_net?: string; errors_used?: number; basis?: string };
}

export type Forecast = Schemas["Forecast"];

export type CreditImpact = Schemas["ImpactEnum"];

export type CreditFactor = Schemas["CreditFactor"];

export type CreditScore = Schemas["CreditScore"];

export type MpesaEnvironment = Schemas["EnvironmentEnum"];

/** GET/PATCH /finance/mpesa/ (admin+). Credentials are write-only: `has_credentials` says whether they are stored. */
export type MpesaSettings = Schemas["MpesaSettings"];

/** What the settings form sends; a credential left out keeps its stored value. */
export type MpesaSettingsInput = Schemas["PatchedMpesaSettingsRequest"];

// The API sends pending, success or failed; "cancelled" is kept until StkRequestDialog stops handling it.
export type StkStatus = Schemas["MpesaStkStatusEnum"] | "cancelled";

/** An M-Pesa payment prompt (STK push) sent to a customer's phone. */
export type MpesaStkRequest = Omit<Schemas["MpesaStkRequest"], "status"> & { status: StkStatus };
