import type { HTMLAttributes } from "react";
import { useT } from "@/lib/i18n";
import { cn } from "@/lib/utils";

export function Skeleton({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return <div aria-hidden className={cn("animate-pulse rounded-md bg-muted", className)} {...props} />;
}

export function ListSkeleton({ rows = 5 }: { rows?: number }) {
  const t = useT();
  return (
    <div className="space-y-2 p-4" data-testid="loading" role="status" aria-busy="true" aria-label={t("word.loading")}>
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className="h-10 w-full" />
      ))}
    </div>
  );
}
