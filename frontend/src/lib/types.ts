/** Shapes from /work/shared/API.md. Extra fields are tolerated; optional ones are rendered defensively. */

export type Role = "owner" | "admin" | "staff" | "viewer";
export type Lang = "en" | "sw";

export interface Paginated<T> {
  count?: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface BusinessRef {
  id: number;
  legal_name: string;
  dba_name?: string;
  currency?: string;
  timezone?: string;
}

export interface MembershipRef {
  id: number;
  business: BusinessRef;
  role: Role;
}

export interface Me {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  is_superuser: boolean;
  language_preference?: Lang;
  memberships: MembershipRef[];
}

export interface Business extends BusinessRef {
  registration_number?: string;
  tax_id?: string;
  email?: string;
  phone?: string;
  website?: string;
  address?: string;
  country?: string;
  industry?: string;
  role?: Role | null;
}

export type TransactionType = "income" | "expense" | "transfer";
export type PaymentMethod = "cash" | "mpesa" | "bank_transfer" | "card" | "cheque" | "other";
export type TransactionStatus = "pending" | "completed" | "failed" | "cancelled";

export interface Transaction {
  id: number;
  amount: string;
  currency?: string;
  transaction_type: TransactionType;
  category: string;
  description: string;
  payment_method: PaymentMethod;
  transaction_date: string;
  reference_number?: string;
  external_id?: string | null;
  status: TransactionStatus;
  supplier?: number | null;
  customer?: number | null;
  invoice?: number | null;
  supplier_name?: string | null;
  customer_name?: string | null;
  /** the dashboard's recent transactions name the customer or supplier here */
  counterparty?: string | null;
  receipt?: string | null;
  receipt_url?: string | null;
  created_at?: string;
}

export interface Customer {
  id: number;
  name: string;
  email?: string;
  phone?: string;
  address?: string;
  tax_id?: string;
  notes?: string;
}

export interface Supplier extends Customer {
  category?: string;
  payment_terms_days?: number | null;
}

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

export interface Invoice {
  id: number;
  customer: number | null;
  customer_name?: string | null;
  customer_detail?: { id: number; name: string; email?: string } | null;
  invoice_number: string;
  issue_date: string;
  due_date: string;
  status: InvoiceStatus;
  currency?: string;
  notes?: string;
  items: InvoiceItem[];
  subtotal: string;
  tax_amount: string;
  total_amount: string;
  amount_paid: string;
  balance_due: string;
  paid_date?: string | null;
}

export interface Budget {
  id: number;
  category: string;
  amount: string;
  period: "monthly" | "quarterly" | "yearly";
  start_date: string;
  end_date?: string | null;
  alert_threshold?: string | number;
  spent?: string;
  remaining?: string;
  utilization?: string | number;
  status?: "ok" | "warning" | "exceeded";
}

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

export interface Membership {
  id: number;
  user: { id: number; email: string; first_name?: string; last_name?: string };
  role: Role;
  created_at?: string;
}

export interface Invitation {
  id: number;
  email: string;
  role: Role;
  status: string;
  invited_by?: string | null;
  expires_at?: string;
  accepted_at?: string | null;
  created_at?: string;
}

export interface ActivityLog {
  id: number;
  actor?: string | null;
  action: string;
  object_type?: string;
  object_id?: string | number | null;
  object?: string;
  ip?: string | null;
  at: string;
  before?: unknown;
  after?: unknown;
}

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
export interface ForecastPeriod {
  period: string;
  income: string;
  expense: string;
  net: string;
  balance: string;
  balance_low: string;
  balance_high: string;
  recorded_income?: string;
  recorded_expense?: string;
}

/** Misses on the held-out months: mae is money, mape a percentage (null when the actuals were all zero). */
export interface BacktestError {
  mae: string;
  mape: string | null;
}

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

export interface Forecast {
  id: number;
  horizon_months: number;
  method: string;
  currency?: string;
  opening_balance?: string;
  periods: ForecastPeriod[];
  backtest?: ForecastBacktest;
  created_by?: number | null;
  created_at: string;
}

export type CreditImpact = "positive" | "neutral" | "negative";

export interface CreditFactor {
  name: string;
  label?: string;
  /** decimal string in `unit`; null when there was nothing to measure */
  value: string | null;
  unit?: "months" | "percent";
  /** 0 to 1, as a decimal string */
  score?: string;
  weight: string;
  impact: CreditImpact;
  explanation: string;
}

export interface CreditScore {
  id: number;
  score: number;
  grade: string;
  factors: CreditFactor[];
  inputs?: unknown;
  created_by?: number | null;
  created_at: string;
}

export type MpesaEnvironment = "sandbox" | "production";

/** GET/PATCH /finance/mpesa/ (admin+). Credentials are write-only: `has_credentials` says whether they are stored. */
export interface MpesaSettings {
  shortcode: string;
  environment: MpesaEnvironment;
  account_reference?: string;
  has_credentials: boolean;
  /** null until the settings are first saved */
  callback_url: string | null;
  validation_url: string | null;
  confirmation_url: string | null;
  updated_at?: string | null;
}

/** What the settings form sends; a credential left out keeps its stored value. */
export interface MpesaSettingsInput {
  shortcode?: string;
  environment?: MpesaEnvironment;
  account_reference?: string;
  consumer_key?: string;
  consumer_secret?: string;
  passkey?: string;
}

export type StkStatus = "pending" | "success" | "failed" | "cancelled";

/** An M-Pesa payment prompt (STK push) sent to a customer's phone. */
export interface MpesaStkRequest {
  id: number;
  invoice: number | null;
  invoice_number?: string | null;
  phone: string;
  amount: string;
  merchant_request_id?: string;
  checkout_request_id?: string;
  status: StkStatus;
  result_code?: number | null;
  result_desc?: string;
  mpesa_receipt?: string;
  transaction?: number | null;
  requested_by?: number | null;
  created_at: string;
  updated_at?: string;
}
