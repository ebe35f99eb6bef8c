import { Badge } from "@/components/ui/badge";
import { useT } from "@/lib/i18n";
import { stkStatusKey, stkStatusTone } from "@/lib/mpesa";

export function StkStatusBadge({ status, testId }: { status: string | null | undefined; testId?: string }) {
  const t = useT();
  return (
    <Badge variant={stkStatusTone(status)} data-testid={testId} data-status={status ?? undefined}>
      {t(stkStatusKey(status))}
    </Badge>
  );
}
