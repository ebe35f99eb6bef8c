import type { ReactNode } from "react";
import { useT } from "@/lib/i18n";
import { usePageTitle } from "@/lib/usePageTitle";

export function AuthLayout({ title, subtitle, children, footer }: { title: string; subtitle?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  const t = useT();
  usePageTitle(title);
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center bg-gradient-to-b from-accent/60 to-background px-4 py-10">
      <div className="mb-6 flex flex-col items-center text-center">
        <img src="/icons/favicon.svg" alt="" width={48} height={48} className="mb-2 size-12" />
        <p className="text-xl font-bold tracking-wide text-primary">KAVI</p>
        <p className="text-sm text-muted-foreground">{t("app.tagline")}</p>
      </div>
      <div className="w-full max-w-md rounded-xl border bg-card p-5 shadow-sm sm:p-7">
        <h1 className="text-xl font-semibold">{title}</h1>
        {subtitle && <p className="mt-1 text-sm text-muted-foreground">{subtitle}</p>}
        <div className="mt-5">{children}</div>
      </div>
      {footer && <div className="mt-4 text-sm text-muted-foreground">{footer}</div>}
    </main>
  );
}

/** A same-site path to return to after signing in (never an absolute or protocol-relative URL). */
export function safeNext(value: string | null | undefined): string | null {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return null;
  return value;
}
