import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { compactNumber, formatMoney, moneyToChartNumber } from "@/lib/money";
import { formatMonth } from "@/lib/utils";

export interface SeriesPoint {
  month: string;
  income: string;
  expense: string;
  net?: string;
}

/** Twelve months of income against expenses. Figures are converted to numbers for drawing only. */
export default function IncomeExpenseChart({ series, incomeLabel, expenseLabel, title }: { series: SeriesPoint[]; incomeLabel: string; expenseLabel: string; title: string }) {
  const data = series.map((p) => ({
    month: formatMonth(p.month),
    income: moneyToChartNumber(p.income),
    expense: moneyToChartNumber(p.expense),
    incomeRaw: p.income,
    expenseRaw: p.expense,
  }));
  return (
    <div className="h-64 w-full sm:h-72" data-testid="income-expense-chart" role="img" aria-label={title}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, left: 0, bottom: 0 }} barGap={2}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="hsl(214 32% 89%)" />
          <XAxis dataKey="month" tickLine={false} axisLine={false} fontSize={12} interval="preserveStartEnd" />
          <YAxis tickFormatter={compactNumber} tickLine={false} axisLine={false} fontSize={12} width={44} />
          <Tooltip
            cursor={{ fill: "hsl(210 40% 94%)" }}
            formatter={(_value, name, item) => {
              const payload = item.payload as { incomeRaw: string; expenseRaw: string };
              return [formatMoney(name === incomeLabel ? payload.incomeRaw : payload.expenseRaw), name];
            }}
          />
          <Legend iconType="circle" wrapperStyle={{ fontSize: 12 }} />
          <Bar isAnimationActive={false} dataKey="income" name={incomeLabel} fill="#059669" radius={[3, 3, 0, 0]} maxBarSize={28} />
          <Bar isAnimationActive={false} dataKey="expense" name={expenseLabel} fill="#f59e0b" radius={[3, 3, 0, 0]} maxBarSize={28} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
