import { currentLang, translate, translateDynamic, type MessageKey } from "./i18n";

/** An option whose label is read in the active UI language each time it is shown. */
function opt<V extends string>(value: V, key: MessageKey, helpKey?: MessageKey) {
  return {
    value,
    get label() {
      return translate(currentLang(), key);
    },
    get help() {
      return helpKey ? translate(currentLang(), helpKey) : "";
    },
  };
}

export const TRANSACTION_TYPES = [opt("income", "word.income"), opt("expense", "word.expense"), opt("transfer", "word.transfer")] as const;

export const PAYMENT_METHODS = [
  opt("mpesa", "opt.pm.mpesa"),
  opt("cash", "opt.pm.cash"),
  opt("bank_transfer", "opt.pm.bank_transfer"),
  opt("card", "opt.pm.card"),
  opt("cheque", "opt.pm.cheque"),
  opt("other", "opt.pm.other"),
] as const;

export const TRANSACTION_STATUSES = [
  opt("completed", "status.completed"),
  opt("pending", "status.pending"),
  opt("failed", "status.failed"),
  opt("cancelled", "status.cancelled"),
] as const;

export const INVOICE_STATUSES = [
  opt("draft", "status.draft"),
  opt("sent", "status.sent"),
  opt("partially_paid", "status.partially_paid"),
  opt("paid", "status.paid"),
  opt("overdue", "status.overdue"),
  opt("cancelled", "status.cancelled"),
] as const;

export const BUDGET_PERIODS = [opt("monthly", "opt.period.monthly"), opt("quarterly", "opt.period.quarterly"), opt("yearly", "opt.period.yearly")] as const;

export const ROLES = [opt("viewer", "role.viewer", "role.help.viewer"), opt("staff", "role.staff", "role.help.staff"), opt("admin", "role.admin", "role.help.admin")] as const;

/** Common categories for an SME's books; the field stays free text and these are stored as written. */
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

/** A category as shown: the standard ones in the active language, the business's own as written. */
export function categoryLabel(category: string | null | undefined): string {
  if (!category) return "";
  return translateDynamic(currentLang(), `cat.${category}`) ?? category;
}

/** A status from the API in the active language ("partially_paid" -> "Partly paid" / "Imelipwa kiasi"). */
export function statusLabel(status: string | null | undefined): string {
  if (!status) return "";
  return translateDynamic(currentLang(), `status.${status}`) ?? status.replace(/_/g, " ");
}

export function labelOf(list: ReadonlyArray<{ value: string; label: string }>, value: string | null | undefined): string {
  return list.find((o) => o.value === value)?.label ?? (value ? value.replace(/_/g, " ") : "—");
}
