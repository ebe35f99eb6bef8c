/** Cash flow (forecasts and the credit score keep their fc.* and credit.* keys in the core dictionary). */
export const en = {
  "insights.cashflow.description": "Money in, money out and what is left at the end of each period.",
  "insights.cashflow.emptyTitle": "No cash movements in this range",
  "insights.cashflow.emptyBody": "Record transactions or widen the date range.",
  "insights.cashflow.opening": "Opening",
  "insights.cashflow.in": "Money in",
  "insights.cashflow.out": "Money out",
  "insights.cashflow.closing": "Closing",
  "insights.cashflow.inflow": "Inflow",
  "insights.cashflow.outflow": "Outflow",
  "insights.cashflow.closingBalance": "Closing balance",
  "insights.cashflow.chart": "Cash inflow, outflow and closing balance by period",
} as const;

export const sw: Record<keyof typeof en, string> = {
  "insights.cashflow.description": "Pesa zinazoingia, zinazotoka na kinachobaki mwishoni mwa kila kipindi.",
  "insights.cashflow.emptyTitle": "Hakuna pesa zilizoingia wala kutoka katika kipindi hiki",
  "insights.cashflow.emptyBody": "Rekodi miamala au panua kipindi cha tarehe.",
  "insights.cashflow.opening": "Salio la mwanzo",
  "insights.cashflow.in": "Zilizoingia",
  "insights.cashflow.out": "Zilizotoka",
  "insights.cashflow.closing": "Salio la mwisho",
  "insights.cashflow.inflow": "Pesa zilizoingia",
  "insights.cashflow.outflow": "Pesa zilizotoka",
  "insights.cashflow.closingBalance": "Salio la mwisho",
  "insights.cashflow.chart": "Pesa zilizoingia, zilizotoka na salio la mwisho kwa kila kipindi",
};
