export const TRANSACTION_TYPES = [
  { value: "income", label: "Income" },
  { value: "expense", label: "Expense" },
  { value: "transfer", label: "Transfer" },
] as const;

export const PAYMENT_METHODS = [
  { value: "mpesa", label: "M-Pesa" },
  { value: "cash", label: "Cash" },
  { value: "bank_transfer", label: "Bank transfer" },
  { value: "card", label: "Card" },
  { value: "cheque", label: "Cheque" },
  { value: "other", label: "Other" },
] as const;

export const TRANSACTION_STATUSES = [
  { value: "completed", label: "Completed" },
  { value: "pending", label: "Pending" },
  { value: "failed", label: "Failed" },
  { value: "cancelled", label: "Cancelled" },
] as const;

export const INVOICE_STATUSES = [
  { value: "draft", label: "Draft" },
  { value: "sent", label: "Sent" },
  { value: "partially_paid", label: "Partly paid" },
  { value: "paid", label: "Paid" },
  { value: "overdue", label: "Overdue" },
  { value: "cancelled", label: "Cancelled" },
] as const;

export const BUDGET_PERIODS = [
  { value: "monthly", label: "Monthly" },
  { value: "quarterly", label: "Quarterly" },
  { value: "yearly", label: "Yearly" },
] as const;

export const ROLES = [
  { value: "viewer", label: "Viewer", help: "Reads everything, changes nothing" },
  { value: "staff", label: "Staff", help: "Records transactions, invoices, customers and suppliers; talks to KAVI" },
  { value: "admin", label: "Admin", help: "Also budgets, team, invitations and deletes" },
] as const;

/** Common categories for an SME's books; the field stays free text. */
export const CATEGORY_SUGGESTIONS = [
  "Sales",
  "Services",
  "Stock purchases",
  "Rent",
  "Salaries",
  "Utilities",
  "Transport",
  "Airtime and data",
  "Marketing",
  "Bank charges",
  "M-Pesa charges",
  "Licences and permits",
  "Repairs and maintenance",
  "Loan repayment",
  "Taxes",
  "Other",
];

export function labelOf(list: ReadonlyArray<{ value: string; label: string }>, value: string | null | undefined): string {
  return list.find((o) => o.value === value)?.label ?? (value ? value.replace(/_/g, " ") : "—");
}
