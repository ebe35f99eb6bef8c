/**
 * Every feature's strings, merged into the one dictionary `@/lib/i18n` serves. A feature keeps its
 * strings in `src/features/<area>/messages.ts` (keys prefixed with the area) and is listed here.
 */
import * as account from "@/features/account/messages";
import * as invoices from "@/features/invoices/messages";
import * as offline from "@/features/offline/messages";
import * as settings from "@/features/settings/messages";
import * as transactions from "@/features/transactions/messages";

export const en = {
  ...account.en,
  ...invoices.en,
  ...offline.en,
  ...settings.en,
  ...transactions.en,
};

export const sw: Record<keyof typeof en, string> = {
  ...account.sw,
  ...invoices.sw,
  ...offline.sw,
  ...settings.sw,
  ...transactions.sw,
};
