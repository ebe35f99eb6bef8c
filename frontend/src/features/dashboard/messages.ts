/** The dashboard: KPIs, the 12-month chart, budget alerts, KAVI insights and recent transactions. */
export const en = {
  "dashboard.insightsUnavailable": "Insights are not available right now.",
  "dashboard.insightsNone": "Nothing needs your attention. KAVI will flag overdue invoices, spending spikes, budget overruns and cash shortfalls here.",
  "dashboard.insight": "Insight",
  "dashboard.noHistoryTitle": "No history yet",
  "dashboard.noHistoryBody": "Record transactions and your monthly income and expenses will appear here.",
  "dashboard.budgetsOnTrack": "All budgets are on track.",
  "dashboard.noTxTitle": "No transactions yet",
  "dashboard.noTxBody": "Add a sale or an expense, or import an M-Pesa statement.",
  "dashboard.askAbout": "Ask KAVI about: {title}",
} as const;

export const sw: Record<keyof typeof en, string> = {
  "dashboard.insightsUnavailable": "Maarifa hayapatikani kwa sasa.",
  "dashboard.insightsNone": "Hakuna kinachohitaji umakini wako. KAVI itaonyesha hapa ankara zilizochelewa, matumizi yaliyopanda ghafla, bajeti zilizozidi na upungufu wa pesa.",
  "dashboard.insight": "Taarifa",
  "dashboard.noHistoryTitle": "Bado hakuna historia",
  "dashboard.noHistoryBody": "Rekodi miamala, na mapato na matumizi yako ya kila mwezi yataonekana hapa.",
  "dashboard.budgetsOnTrack": "Bajeti zote ziko sawa.",
  "dashboard.noTxTitle": "Bado hakuna miamala",
  "dashboard.noTxBody": "Ongeza mauzo au matumizi, au ingiza taarifa ya M-Pesa.",
  "dashboard.askAbout": "Uliza KAVI kuhusu: {title}",
};
