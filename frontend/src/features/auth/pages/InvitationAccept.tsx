import { MailCheck } from "lucide-react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { Button, buttonVariants } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { queryClient } from "@/lib/client";
import { useAcceptInvitation } from "../api";
import { errorMessage } from "@/lib/api";
import { useMe } from "@/lib/hooks";
import { interpolate, useT } from "@/lib/i18n";
import { useSession } from "@/stores/session";
import { AuthLayout } from "./AuthLayout";

/** The page behind the e-mailed link /invitations/accept?token=… */
export default function InvitationAccept() {
  const t = useT();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const authed = useSession((s) => s.authed);
  const user = useSession((s) => s.user);
  const setUser = useSession((s) => s.setUser);
  const setBusiness = useSession((s) => s.setBusiness);
  useMe(authed);
  const here = `/invitations/accept?token=${encodeURIComponent(token)}`;

  const accept = useAcceptInvitation(({ me, joined }) => {
    queryClient.clear();
    queryClient.setQueryData(["me"], me);
    setUser(me);
    if (joined) setBusiness(joined);
    navigate("/", { replace: true });
  });

  if (!token) {
    return (
      <AuthLayout title={t("auth.invite.incomplete")} subtitle={t("auth.invite.incompleteBody")}>
        <Link to="/" className={buttonVariants({ variant: "outline", className: "w-full" })}>
          {t("btn.back")}
        </Link>
      </AuthLayout>
    );
  }

  if (!authed) {
    return (
      <AuthLayout title={t("auth.invite.title")} subtitle={t("auth.invite.body")}>
        <div className="grid gap-3">
          <Link to={`/login?next=${encodeURIComponent(here)}`} className={buttonVariants({ className: "w-full" })} data-testid="invite-login">
            {t("btn.login")}
          </Link>
          <Link to={`/register?next=${encodeURIComponent(here)}`} className={buttonVariants({ variant: "outline", className: "w-full" })} data-testid="invite-register">
            {t("btn.register")}
          </Link>
        </div>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={t("auth.invite.join")} subtitle={user ? interpolate(t("auth.invite.signedInAs"), { email: user.email }) : undefined}>
      <div className="grid gap-4">
        <div className="flex items-center gap-3 rounded-md bg-accent px-3 py-3 text-sm text-accent-foreground">
          <MailCheck className="size-5 shrink-0" aria-hidden />
          {t("auth.invite.accept")}
        </div>
        <FormError message={accept.error ? errorMessage(accept.error) : null} />
        <Button onClick={() => accept.mutate({ token, before: new Set(user?.memberships.map((m) => m.business.id) ?? []) })} loading={accept.isPending} data-testid="invite-accept" className="w-full">
          {t("btn.acceptInvitation")}
        </Button>
      </div>
    </AuthLayout>
  );
}
