/** The app shell, the error and not-found pages: navigation landmarks, skip link, reload. */
export const en = {
  "shell.skip": "Skip to main content",
  "shell.mainNav": "Main menu",
  "shell.accountNav": "Your account",
  "shell.notFound.pageTitle": "Page not found",
  "shell.notFound.title": "We couldn't find that page",
  "shell.notFound.body": "The link may be old, or the page may belong to another business.",
  "shell.error.chunkTitle": "This page couldn't load",
  "shell.error.title": "Something went wrong",
  "shell.error.chunkBody": "You may be offline, or KAVI was just updated. Reload to get the latest version.",
  "shell.error.body": "Reload the page to try again. Your saved work is safe.",
  "shell.error.reload": "Reload",
} as const;

export const sw: Record<keyof typeof en, string> = {
  "shell.skip": "Ruka hadi maudhui makuu",
  "shell.mainNav": "Menyu kuu",
  "shell.accountNav": "Akaunti yako",
  "shell.notFound.pageTitle": "Ukurasa haupatikani",
  "shell.notFound.title": "Hatukupata ukurasa huo",
  "shell.notFound.body": "Huenda kiungo ni cha zamani, au ukurasa ni wa biashara nyingine.",
  "shell.error.chunkTitle": "Ukurasa huu haukuweza kufunguka",
  "shell.error.title": "Kuna hitilafu",
  "shell.error.chunkBody": "Huenda huna mtandao, au KAVI imesasishwa sasa hivi. Pakia upya upate toleo jipya.",
  "shell.error.body": "Pakia ukurasa upya ujaribu tena. Kazi uliyohifadhi iko salama.",
  "shell.error.reload": "Pakia upya",
};
