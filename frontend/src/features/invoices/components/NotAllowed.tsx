import { Lock } from "lucide-react";
import { Link } from "react-router-dom";
import { EmptyState } from "@/components/common";
import { buttonVariants } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { useT } from "@/lib/i18n";

/** Shown instead of a form the user may not use here: the reason, and the way back. */
export function NotAllowed({ title, reason, backTo }: { title: string; reason: string; backTo: string }) {
  const t = useT();
  return (
    <Card className="mb-24" data-testid="invoice-not-allowed">
      <EmptyState
        icon={Lock}
        title={title}
        body={reason}
        action={
          <Link to={backTo} className={buttonVariants({ variant: "outline" })}>
            {t("btn.back")}
          </Link>
        }
      />
    </Card>
  );
}
