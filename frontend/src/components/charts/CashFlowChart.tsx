import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { compactNumber, formatMoney, moneyToChartNumber } from "@/lib/money";

export interface CashFlowPoint {
  label: string;
  inflow: string;
  outflow: string;
  closing_balance: string;
}

export interface CashFlowLabels {
  inflow: string;
  outflow: string;
  closing: string;
  title: string;
}

export default function CashFlowChart({ rows, labels }: { rows: CashFlowPoint[]; labels: CashFlowLabels }) {
  const data = rows.map((r) => ({
    label: r.label,
    inflow: moneyToChartNumber(r.inflow),
    outflow: moneyToChartNumber(r.outflow),
    balance: moneyToChartNumber(r.closing_balance),
    raw: r,
  }));
  const names: Record<string, keyof CashFlowPoint> = { [labels.inflow]: "inflow", [labels.outflow]: "outflow", [labels.closing]: "closing_balance" };
  return (
    <div className="h-72 w-full" data-testid="cashflow-chart" role="img" aria-label={labels.title}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={data} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="hsl(214 32% 89%)" />
          <XAxis dataKey="label" tickLine={false} axisLine={false} fontSize={12} interval="preserveStartEnd" />
          <YAxis tickFormatter={compactNumber} tickLine={false} axisLine={false} fontSize={12} width={44} />
          <Tooltip
            formatter={(_v, name, item) => {
              const raw = (item.payload as { raw: CashFlowPoint }).raw;
              const key = names[String(name)];
              return [key ? formatMoney(raw[key]) : String(_v), name];
            }}
          />
          <Legend iconType="circle" wrapperStyle={{ fontSize: 12 }} />
          <Bar isAnimationActive={false} dataKey="inflow" name={labels.inflow} fill="#059669" radius={[3, 3, 0, 0]} maxBarSize={26} />
          <Bar isAnimationActive={false} dataKey="outflow" name={labels.outflow} fill="#f59e0b" radius={[3, 3, 0, 0]} maxBarSize={26} />
          <Line isAnimationActive={false} dataKey="balance" name={labels.closing} type="monotone" stroke="#0f172a" strokeWidth={2} dot={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
