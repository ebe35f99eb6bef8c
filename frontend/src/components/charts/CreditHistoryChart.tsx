import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { SCORE_MAX, SCORE_MIN } from "@/lib/insights";

export interface ScorePoint {
  label: string;
  score: number;
  grade: string;
}

/** The score over time on the full 300–850 scale, so small moves don't look dramatic. */
export default function CreditHistoryChart({ points, title }: { points: ScorePoint[]; title: string }) {
  return (
    <div className="h-48 w-full" data-testid="credit-history-chart" role="img" aria-label={title}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="hsl(214 32% 89%)" />
          <XAxis dataKey="label" tickLine={false} axisLine={false} fontSize={12} interval="preserveStartEnd" />
          <YAxis domain={[SCORE_MIN, SCORE_MAX]} ticks={[300, 500, 580, 670, 750, 850]} tickLine={false} axisLine={false} fontSize={12} width={36} />
          <ReferenceLine y={670} stroke="#059669" strokeDasharray="4 4" />
          <Tooltip formatter={(value, _name, item) => [`${String(value)} (${(item.payload as ScorePoint).grade})`, title]} />
          <Line isAnimationActive={false} dataKey="score" type="monotone" stroke="#0f172a" strokeWidth={2} dot={{ r: 3 }} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
