import { Pencil, Plus, Search, Trash2, Truck, UsersRound } from "lucide-react";
import { useState } from "react";
import { PageHeader, Pagination } from "@/components/common";
import { QueryState } from "@/components/QueryState";
import { PartyForm } from "./PartyForm";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import { toast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/api";
import { useDeleteParty, useParties } from "../api";
import { interpolate, useT } from "@/lib/i18n";
import { usePageTitle } from "@/lib/usePageTitle";
import { canAdmin, canWrite } from "@/lib/roles";
import type { Supplier } from "@/lib/types";
import { useSearchBox, useUrlFilters } from "@/lib/useFilters";
import { useRole } from "@/stores/session";

const PAGE_SIZE = 25;

/** The customers and suppliers pages: the same list with a slightly different form. */
export function PartyList({ kind }: { kind: "customer" | "supplier" }) {
  const t = useT();
  const role = useRole();
  const { values, page, setFilter, setPage } = useUrlFilters(["search"] as const);
  const [search, setSearch] = useSearchBox(values.search, (v) => setFilter({ search: v }));
  const list = useParties(kind, { page, pageSize: PAGE_SIZE, search: values.search });
  const [editing, setEditing] = useState<Supplier | null>(null);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Supplier | null>(null);
  const remove = useDeleteParty(kind, () => {
    toast.success(t(kind === "customer" ? "parties.customer.deleted" : "parties.supplier.deleted"));
    setDeleting(null);
  });
  const writer = canWrite(role);
  const admin = canAdmin(role);
  const Icon = kind === "customer" ? UsersRound : Truck;
  const title = kind === "customer" ? t("nav.customers") : t("nav.suppliers");
  const addLabel = kind === "customer" ? t("btn.addCustomer") : t("btn.addSupplier");
  usePageTitle(title);

  return (
    <div data-testid={`page-${kind}s`}>
      <PageHeader
        title={title}
        description={t(kind === "customer" ? "parties.customer.description" : "parties.supplier.description")}
        actions={
          writer && (
            <Button size="sm" onClick={() => setCreating(true)} data-testid={`create-${kind}`}>
              <Plus /> {addLabel}
            </Button>
          )
        }
      />
      <Card>
        <div className="border-b p-3">
          <div className="relative">
            <Search className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
            <Input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t("parties.searchPlaceholder")} aria-label={t("btn.search")} className="pl-9" data-testid={`${kind}-search`} />
          </div>
        </div>
        <QueryState
          query={list}
          isEmpty={(data) => data.results.length === 0}
          empty={{
            icon: Icon,
            title: values.search ? t("parties.noMatch") : t(kind === "customer" ? "parties.customer.emptyTitle" : "parties.supplier.emptyTitle"),
            body: values.search ? undefined : t(kind === "customer" ? "parties.customer.emptyBody" : "parties.supplier.emptyBody"),
            action: writer && !values.search && (
              <Button onClick={() => setCreating(true)}>
                <Plus /> {addLabel}
              </Button>
            ),
          }}
        >
          {(data) => (
            <>
              <Table data-testid={`${kind}s-table`}>
                <THead>
                  <tr>
                    <TH>{t("field.name")}</TH>
                    <TH className="hidden sm:table-cell">{t("field.email")}</TH>
                    <TH>{t("field.phone")}</TH>
                    {kind === "supplier" && <TH className="hidden md:table-cell">{t("field.category")}</TH>}
                    {kind === "supplier" && <TH className="hidden md:table-cell">{t("parties.terms")}</TH>}
                    {(writer || admin) && <TH className="w-20"><span className="sr-only">{t("common.actions")}</span></TH>}
                  </tr>
                </THead>
                <TBody>
                  {data.results.map((p) => (
                    <TR key={p.id} data-testid={`${kind}-row`}>
                      <TD className="max-w-[200px]">
                        <div className="truncate font-medium">{p.name}</div>
                        <div className="truncate text-xs text-muted-foreground sm:hidden">{p.email}</div>
                      </TD>
                      <TD className="hidden max-w-[220px] truncate sm:table-cell">{p.email || "—"}</TD>
                      <TD className="whitespace-nowrap">{p.phone ? <a href={`tel:${p.phone}`} className="hover:underline">{p.phone}</a> : "—"}</TD>
                      {kind === "supplier" && <TD className="hidden md:table-cell">{p.category || "—"}</TD>}
                      {kind === "supplier" && <TD className="hidden md:table-cell">{p.payment_terms_days != null ? interpolate(t("parties.termsDays"), { n: p.payment_terms_days }) : "—"}</TD>}
                      {(writer || admin) && (
                        <TD>
                          <div className="flex justify-end gap-1">
                            {writer && (
                              <Button variant="ghost" size="icon" className="size-8" onClick={() => setEditing(p)} aria-label={interpolate(t("parties.editAria"), { name: p.name })} data-testid={`edit-${kind}`}>
                                <Pencil />
                              </Button>
                            )}
                            {admin && (
                              <Button variant="ghost" size="icon" className="size-8 text-destructive" onClick={() => setDeleting(p)} aria-label={interpolate(t("parties.deleteAria"), { name: p.name })} data-testid={`delete-${kind}`}>
                                <Trash2 />
                              </Button>
                            )}
                          </div>
                        </TD>
                      )}
                    </TR>
                  ))}
                </TBody>
              </Table>
              <Pagination page={page} pageSize={PAGE_SIZE} count={data.count} hasNext={!!data.next} onPage={setPage} />
            </>
          )}
        </QueryState>
      </Card>
      {creating && <PartyForm kind={kind} open onClose={() => setCreating(false)} />}
      {editing && <PartyForm kind={kind} open party={editing} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        open={!!deleting}
        title={interpolate(t("parties.deleteTitle"), { name: deleting?.name ?? "" })}
        body={t("parties.deleteBody")}
        confirmLabel={t("btn.delete")}
        destructive
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting, { onError: (e) => toast.error(errorMessage(e)) })}
        onClose={() => setDeleting(null)}
      />
    </div>
  );
}
