import { Compass } from "lucide-react";
import { Link } from "react-router-dom";
import { EmptyState } from "@/components/common";
import { buttonVariants } from "@/components/ui/button";
import { useT } from "@/lib/i18n";

export default function NotFound() {
  const t = useT();
  return (
    <EmptyState
      icon={Compass}
      title="We couldn't find that page"
      body="The link may be old, or the page may belong to another business."
      action={
        <Link to="/" className={buttonVariants({ variant: "outline" })}>
          {t("nav.dashboard")}
        </Link>
      }
    />
  );
}
