import { Area, Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ForecastChartRow } from "@/lib/insights";
import { compactNumber, formatMoney } from "@/lib/money";

export interface ForecastChartLabels {
  income: string;
  expense: string;
  balance: string;
  range: string;
  title: string;
}

/** Projected income and expense per month as bars, the balance as a line inside its likely range. */
export default function ForecastChart({ rows, labels, currency }: { rows: ForecastChartRow[]; labels: ForecastChartLabels; currency: string }) {
  return (
    <div className="h-72 w-full" data-testid="forecast-chart" role="img" aria-label={labels.title}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={rows} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="hsl(214 32% 89%)" />
          <XAxis dataKey="label" tickLine={false} axisLine={false} fontSize={12} interval="preserveStartEnd" />
          <YAxis tickFormatter={compactNumber} tickLine={false} axisLine={false} fontSize={12} width={48} />
          <Tooltip
            formatter={(value, name, item) => {
              const raw = (item.payload as ForecastChartRow).raw;
              if (name === labels.range) return [`${formatMoney(raw.balance_low, currency)} – ${formatMoney(raw.balance_high, currency)}`, name];
              if (name === labels.income) return [formatMoney(raw.income, currency), name];
              if (name === labels.expense) return [formatMoney(raw.expense, currency), name];
              if (name === labels.balance) return [formatMoney(raw.balance, currency), name];
              return [String(value), name];
            }}
          />
          <Legend iconType="circle" wrapperStyle={{ fontSize: 12 }} />
          <Area isAnimationActive={false} dataKey="band" name={labels.range} type="monotone" stroke="none" fill="#0ea5e9" fillOpacity={0.18} />
          <Bar isAnimationActive={false} dataKey="income" name={labels.income} fill="#059669" radius={[3, 3, 0, 0]} maxBarSize={26} />
          <Bar isAnimationActive={false} dataKey="expense" name={labels.expense} fill="#f59e0b" radius={[3, 3, 0, 0]} maxBarSize={26} />
          <Line isAnimationActive={false} dataKey="balance" name={labels.balance} type="monotone" stroke="#0f172a" strokeWidth={2} dot={{ r: 3 }} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
