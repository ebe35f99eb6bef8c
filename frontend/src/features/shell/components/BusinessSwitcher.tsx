import { Building2, Plus } from "lucide-react";
import { useNavigate } from "react-router-dom";
import { useT } from "@/lib/i18n";
import { useSession } from "@/stores/session";
import { Select } from "@/components/ui/input";

const NEW = "__new__";

/** Picks the active business (persisted); switching remounts the pages under the new X-Business-ID. */
export function BusinessSwitcher({ onDone }: { onDone?: () => void }) {
  const t = useT();
  const navigate = useNavigate();
  const user = useSession((s) => s.user);
  const businessId = useSession((s) => s.businessId);
  const setBusiness = useSession((s) => s.setBusiness);
  if (!user) return null;

  return (
    <div className="grid gap-1">
      <label htmlFor="business-switcher" className="flex items-center gap-1.5 text-xs font-medium uppercase tracking-wide text-muted-foreground">
        <Building2 className="size-3.5" aria-hidden /> {t("nav.business")}
      </label>
      <Select
        id="business-switcher"
        data-testid="business-switcher"
        aria-label={t("nav.switchBusiness")}
        value={businessId ?? ""}
        onChange={(e) => {
          if (e.target.value === NEW) {
            navigate("/businesses/new");
          } else {
            setBusiness(Number(e.target.value));
            navigate("/");
          }
          onDone?.();
        }}
      >
        {user.memberships.map((m) => (
          <option key={m.business.id} value={m.business.id}>
            {m.business.dba_name || m.business.legal_name}
          </option>
        ))}
        <option value={NEW}>+ {t("nav.newBusiness")}</option>
      </Select>
    </div>
  );
}

export function NewBusinessLink() {
  const t = useT();
  const navigate = useNavigate();
  return (
    <button type="button" onClick={() => navigate("/businesses/new")} className="inline-flex items-center gap-1 text-sm text-primary hover:underline">
      <Plus className="size-4" /> {t("nav.newBusiness")}
    </button>
  );
}
