import { useNavigate } from "react-router-dom";
import { toast } from "@/components/ui/toast";
import { interpolate, useT } from "@/lib/i18n";
import { canWrite } from "@/lib/roles";
import { usePageTitle } from "@/lib/usePageTitle";
import { useActiveBusiness, useRole } from "@/stores/session";
import { useCreateInvoice } from "../api";
import { InvoiceForm } from "../components/InvoiceForm";
import { NotAllowed } from "../components/NotAllowed";

export default function InvoiceNew() {
  const t = useT();
  usePageTitle(t("btn.newInvoice"));
  const role = useRole();
  const navigate = useNavigate();
  const business = useActiveBusiness();
  const create = useCreateInvoice((inv) => {
    toast.success(interpolate(t("invoices.form.created"), { number: inv.invoice_number || `#${inv.id}` }));
    navigate(`/invoices/${inv.id}`, { replace: true });
  });

  if (!canWrite(role)) return <NotAllowed title={t("btn.newInvoice")} reason={t("msg.noPermission")} backTo="/invoices" />;

  return (
    <InvoiceForm
      title={t("btn.newInvoice")}
      description={t("invoices.form.newIntro")}
      currency={business?.currency || "KES"}
      saving={create.isPending}
      error={create.error}
      onSubmit={(body) => create.mutate(body)}
      cancelTo="/invoices"
    />
  );
}
