import { NavLink } from "react-router-dom";
import { useT } from "@/lib/i18n";
import { cn } from "@/lib/utils";

/** The settings sections: the business's own settings and the Daraja (M-Pesa API) page. */
export function SettingsTabs() {
  const t = useT();
  const tabs = [
    { to: "/settings", label: t("settings.tab.business"), testId: "settings-tab-business" },
    { to: "/settings/mpesa", label: t("settings.tab.mpesa"), testId: "settings-tab-mpesa" },
  ];
  return (
    <nav aria-label={t("settings.tabs")} className="mb-4 flex gap-1 overflow-x-auto border-b">
      {tabs.map((tab) => (
        <NavLink
          key={tab.to}
          to={tab.to}
          end
          data-testid={tab.testId}
          className={({ isActive }) =>
            cn(
              "-mb-px whitespace-nowrap border-b-2 border-transparent px-3 py-2 text-sm font-medium text-muted-foreground hover:text-foreground",
              isActive && "border-primary text-foreground",
            )
          }
        >
          {tab.label}
        </NavLink>
      ))}
    </nav>
  );
}
