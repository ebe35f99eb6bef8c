/**
 * Every feature's strings, merged into the one dictionary `@/lib/i18n` serves. A feature keeps its
 * strings in `src/features/<area>/messages.ts` (keys prefixed with the area) and is listed here.
 */
import * as account from "@/features/account/messages";
import * as activity from "@/features/activity/messages";
import * as auth from "@/features/auth/messages";
import * as budgets from "@/features/budgets/messages";
import * as dashboard from "@/features/dashboard/messages";
import * as insights from "@/features/insights/messages";
import * as kavi from "@/features/kavi/messages";
import * as parties from "@/features/parties/messages";
import * as shell from "@/features/shell/messages";
import * as team from "@/features/team/messages";
import * as invoices from "@/features/invoices/messages";
import * as offline from "@/features/offline/messages";
import * as settings from "@/features/settings/messages";
import * as transactions from "@/features/transactions/messages";

export const en = {
  ...activity.en,
  ...auth.en,
  ...budgets.en,
  ...dashboard.en,
  ...insights.en,
  ...kavi.en,
  ...parties.en,
  ...shell.en,
  ...team.en,
  ...account.en,
  ...invoices.en,
  ...offline.en,
  ...settings.en,
  ...transactions.en,
};

export const sw: Record<keyof typeof en, string> = {
  ...activity.sw,
  ...auth.sw,
  ...budgets.sw,
  ...dashboard.sw,
  ...insights.sw,
  ...kavi.sw,
  ...parties.sw,
  ...shell.sw,
  ...team.sw,
  ...account.sw,
  ...invoices.sw,
  ...offline.sw,
  ...settings.sw,
  ...transactions.sw,
};
