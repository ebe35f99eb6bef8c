import { useNavigate, useParams } from "react-router-dom";
import { QueryState } from "@/components/QueryState";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { toast } from "@/components/ui/toast";
import { interpolate, useT } from "@/lib/i18n";
import { formatMoney } from "@/lib/money";
import { canWrite } from "@/lib/roles";
import { usePageTitle } from "@/lib/usePageTitle";
import { useActiveBusiness, useRole } from "@/stores/session";
import { useInvoice, useUpdateInvoice } from "../api";
import { InvoiceForm } from "../components/InvoiceForm";
import { NotAllowed } from "../components/NotAllowed";

/** Editing an invoice: a draft fully, a sent or partly paid one its items, due date and notes. */
export default function InvoiceEdit() {
  const t = useT();
  const { id } = useParams();
  const role = useRole();
  const navigate = useNavigate();
  const business = useActiveBusiness();
  const q = useInvoice(id);
  const inv = q.data;
  const title = interpolate(t("invoices.form.editTitle"), { number: inv?.invoice_number || `#${id}` });
  usePageTitle(title);
  const save = useUpdateInvoice(id, (saved) => {
    toast.success(interpolate(t("invoices.form.saved"), { number: saved.invoice_number, total: formatMoney(saved.total_amount, saved.currency) }));
    navigate(`/invoices/${saved.id}`, { replace: true });
  });

  if (q.isPending || q.isError || !inv) {
    return (
      <QueryState
        query={q}
        loading={
          <div className="space-y-4">
            <Skeleton className="h-8 w-56" />
            <Skeleton className="h-72" />
          </div>
        }
        frame={(node) => <Card>{node}</Card>}
      >
        {() => null}
      </QueryState>
    );
  }
  const reason = !canWrite(role)
    ? t("msg.noPermission")
    : inv.status === "paid"
      ? t("invoices.detail.editPaid")
      : inv.status === "cancelled"
        ? t("invoices.detail.editCancelled")
        : null;
  if (reason) return <NotAllowed title={title} reason={reason} backTo={`/invoices/${inv.id}`} />;

  return (
    <InvoiceForm
      key={inv.id}
      invoice={inv}
      title={title}
      description={t("invoices.form.newIntro")}
      currency={inv.currency || business?.currency || "KES"}
      saving={save.isPending}
      error={save.error}
      onSubmit={(body) => save.mutate(body)}
      cancelTo={`/invoices/${inv.id}`}
    />
  );
}
