import { Compass } from "lucide-react";
import { Link } from "react-router-dom";
import { EmptyState } from "@/components/common";
import { buttonVariants } from "@/components/ui/button";
import { useT } from "@/lib/i18n";
import { usePageTitle } from "@/lib/usePageTitle";

export default function NotFound() {
  const t = useT();
  usePageTitle(t("shell.notFound.pageTitle"));
  return (
    <div data-testid="page-not-found">
      <h1 className="sr-only">{t("shell.notFound.pageTitle")}</h1>
      <EmptyState
        icon={Compass}
        title={t("shell.notFound.title")}
        body={t("shell.notFound.body")}
        action={
          <Link to="/" className={buttonVariants({ variant: "outline" })}>
            {t("nav.dashboard")}
          </Link>
        }
      />
    </div>
  );
}
