/** The offline feature's UI strings. Swahili is typed complete: a key missing from `sw` fails tsc. */
export const en = {
  "offline.banner.offline": "You're offline. You're seeing the last data saved on this device; new sales and expenses are kept here and sent when you're back online.",
  "offline.banner.waiting.one": "1 record waiting to sync",
  "offline.banner.waiting.many": "{count} records waiting to sync",
  "offline.banner.failed.one": "1 record couldn't be synced",
  "offline.banner.failed.many": "{count} records couldn't be synced",
  "offline.banner.review": "Review",
  "offline.banner.syncNow": "Sync now",
  "offline.synced.one": "1 record saved offline has been synced.",
  "offline.synced.many": "{count} records saved offline have been synced.",
  "offline.sync.failedToast": "A record saved offline was refused by the server. Open Transactions to fix or discard it.",
  "offline.nothingSaved.title": "You're offline",
  "offline.nothingSaved.body": "Nothing is saved on this device for this page yet. It will load when you're back online.",
} as const;

export const sw: Record<keyof typeof en, string> = {
  "offline.banner.offline": "Huna mtandao. Unaona data ya mwisho iliyohifadhiwa kwenye kifaa hiki; mauzo na matumizi mapya yanahifadhiwa hapa na kutumwa mtandao ukirudi.",
  "offline.banner.waiting.one": "Rekodi 1 inasubiri kusawazishwa",
  "offline.banner.waiting.many": "Rekodi {count} zinasubiri kusawazishwa",
  "offline.banner.failed.one": "Rekodi 1 haikuweza kusawazishwa",
  "offline.banner.failed.many": "Rekodi {count} hazikuweza kusawazishwa",
  "offline.banner.review": "Kagua",
  "offline.banner.syncNow": "Sawazisha sasa",
  "offline.synced.one": "Rekodi 1 iliyohifadhiwa bila mtandao imesawazishwa.",
  "offline.synced.many": "Rekodi {count} zilizohifadhiwa bila mtandao zimesawazishwa.",
  "offline.sync.failedToast": "Seva imekataa rekodi iliyohifadhiwa bila mtandao. Fungua Miamala ili kuirekebisha au kuifuta.",
  "offline.nothingSaved.title": "Huna mtandao",
  "offline.nothingSaved.body": "Bado hakuna kilichohifadhiwa kwenye kifaa hiki kwa ukurasa huu. Kitapakia mtandao ukirudi.",
};
