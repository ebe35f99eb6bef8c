import { MailPlus, ShieldCheck, Trash2, Users } from "lucide-react";
import { useState, type FormEvent } from "react";
import { PageHeader, StatusBadge } from "@/components/common";
import { QueryState } from "@/components/QueryState";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { ListSkeleton } from "@/components/ui/skeleton";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import { toast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/api";
import { fieldError, formError } from "@/lib/hooks";
import { useChangeRole, useInvitations, useInvite, useMemberships, useRemoveMember, useWithdrawInvitation } from "../api";
import { interpolate, useT } from "@/lib/i18n";
import { usePageTitle } from "@/lib/usePageTitle";
import { ROLES } from "@/lib/options";
import { canAdmin } from "@/lib/roles";
import type { Invitation, Membership, Role } from "@/lib/types";
import { formatDate, humanize, resultsOf } from "@/lib/utils";
import { useRole, useSession } from "@/stores/session";

function InviteForm() {
  const t = useT();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("staff");
  const invite = useInvite((inv) => {
    toast.success(interpolate(t("team.invited"), { email: inv.email ?? email }));
    setEmail("");
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate({ email: email.trim(), role });
  };
  return (
    <form onSubmit={submit} className="grid gap-3 sm:grid-cols-[1fr_200px_auto] sm:items-start" noValidate data-testid="invite-form">
      <div className="sm:col-span-3">
        <FormError message={formError(invite.error, ["email", "role"])} />
      </div>
      <Field label={t("field.email")} error={fieldError(invite.error, "email")}>
        <Input type="email" inputMode="email" value={email} onChange={(e) => setEmail(e.target.value)} placeholder={t("field.emailPlaceholder")} data-testid="invite-email" />
      </Field>
      <Field label={t("field.role")} error={fieldError(invite.error, "role")} hint={ROLES.find((r) => r.value === role)?.help}>
        <Select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="invite-role">
          {ROLES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </Select>
      </Field>
      <Button type="submit" className="sm:mt-6" loading={invite.isPending} disabled={!email.trim()} data-testid="invite-submit">
        <MailPlus /> {t("btn.invite")}
      </Button>
    </form>
  );
}

export default function Team() {
  const t = useT();
  usePageTitle(t("nav.team"));
  const role = useRole();
  const me = useSession((s) => s.user);
  const admin = canAdmin(role);
  const members = useMemberships();
  const invitations = useInvitations(admin);
  const [removing, setRemoving] = useState<Membership | null>(null);
  const [revoking, setRevoking] = useState<Invitation | null>(null);

  const changeRole = useChangeRole(() => toast.success(t("team.roleUpdated")));
  const remove = useRemoveMember(() => {
    toast.success(t("team.memberRemoved"));
    setRemoving(null);
  });
  const revoke = useWithdrawInvitation(() => {
    toast.success(t("team.invitationWithdrawn"));
    setRevoking(null);
  });

  const memberRows = resultsOf<Membership>(members.data);
  const inviteRows = resultsOf<Invitation>(invitations.data);
  const roleLabel = (r: Role) => (r === "owner" ? t("role.owner") : ROLES.find((x) => x.value === r)?.label ?? humanize(r));

  return (
    <div data-testid="page-team">
      <PageHeader title={t("nav.team")} description={t("team.description")} />
      <div className="grid gap-4">
        {admin && (
          <Card>
            <CardHeader>
              <CardTitle>{t("team.inviteTitle")}</CardTitle>
              <CardDescription>{t("team.inviteBody")}</CardDescription>
            </CardHeader>
            <CardContent>
              <InviteForm />
            </CardContent>
          </Card>
        )}
        <Card>
          <CardHeader>
            <CardTitle>{t("team.members")}</CardTitle>
          </CardHeader>
          <QueryState
            query={members}
            loading={<ListSkeleton rows={3} />}
            isEmpty={(data) => resultsOf(data).length === 0}
            empty={{ icon: Users, title: t("team.noMembers") }}
          >
            {() => (
              <Table data-testid="members-table">
                <THead>
                  <tr>
                    <TH>{t("team.person")}</TH>
                    <TH>{t("field.role")}</TH>
                    <TH className="hidden sm:table-cell">{t("team.since")}</TH>
                    {admin && <TH className="w-12"><span className="sr-only">{t("common.actions")}</span></TH>}
                  </tr>
                </THead>
                <TBody>
                  {memberRows.map((m) => {
                    const self = m.user.id === me?.id;
                    const editable = admin && !self && m.role !== "owner";
                    const name = `${m.user.first_name ?? ""} ${m.user.last_name ?? ""}`.trim();
                    return (
                      <TR key={m.id} data-testid="member-row">
                        <TD className="max-w-[220px]">
                          <div className="truncate font-medium">
                            {name || m.user.email} {self && <Badge variant="secondary">{t("common.you")}</Badge>}
                          </div>
                          {name && <div className="truncate text-xs text-muted-foreground">{m.user.email}</div>}
                        </TD>
                        <TD>
                          {editable ? (
                            <Select
                              value={m.role}
                              onChange={(e) => changeRole.mutate({ id: m.id, role: e.target.value as Role }, { onError: (err) => toast.error(errorMessage(err)) })}
                              aria-label={interpolate(t("team.roleFor"), { email: m.user.email })}
                              className="h-9 w-32"
                              data-testid="member-role"
                            >
                              {ROLES.map((r) => (
                                <option key={r.value} value={r.value}>
                                  {r.label}
                                </option>
                              ))}
                            </Select>
                          ) : (
                            <Badge variant={m.role === "owner" ? "default" : "secondary"}>
                              {m.role === "owner" && <ShieldCheck className="mr-1 size-3" />}
                              {roleLabel(m.role)}
                            </Badge>
                          )}
                        </TD>
                        <TD className="hidden whitespace-nowrap sm:table-cell">{formatDate(m.created_at)}</TD>
                        {admin && (
                          <TD>
                            {editable && (
                              <Button variant="ghost" size="icon" className="size-8 text-destructive" onClick={() => setRemoving(m)} aria-label={interpolate(t("team.removeAria"), { email: m.user.email })} data-testid="delete-member">
                                <Trash2 />
                              </Button>
                            )}
                          </TD>
                        )}
                      </TR>
                    );
                  })}
                </TBody>
              </Table>
            )}
          </QueryState>
        </Card>
        {admin && (
          <Card>
            <CardHeader>
              <CardTitle>{t("team.invitations")}</CardTitle>
            </CardHeader>
            <QueryState
              query={invitations}
              loading={<ListSkeleton rows={2} />}
              isEmpty={(data) => resultsOf(data).length === 0}
              empty={
                <CardContent>
                  <p className="text-sm text-muted-foreground">{t("team.noInvitations")}</p>
                </CardContent>
              }
            >
              {() => (
                <Table data-testid="invitations-table">
                  <THead>
                    <tr>
                      <TH>{t("field.email")}</TH>
                      <TH>{t("field.role")}</TH>
                      <TH>{t("field.status")}</TH>
                      <TH className="hidden sm:table-cell">{t("team.expires")}</TH>
                      <TH className="w-12"><span className="sr-only">{t("common.actions")}</span></TH>
                    </tr>
                  </THead>
                  <TBody>
                    {inviteRows.map((i) => (
                      <TR key={i.id} data-testid="invitation-row">
                        <TD className="max-w-[220px] truncate">{i.email}</TD>
                        <TD>{roleLabel(i.role)}</TD>
                        <TD>
                          <StatusBadge status={i.status} />
                        </TD>
                        <TD className="hidden whitespace-nowrap sm:table-cell">{formatDate(i.expires_at)}</TD>
                        <TD>
                          {i.status === "pending" && (
                            <Button variant="ghost" size="icon" className="size-8 text-destructive" onClick={() => setRevoking(i)} aria-label={interpolate(t("team.withdrawAria"), { email: i.email })} data-testid="delete-invitation">
                              <Trash2 />
                            </Button>
                          )}
                        </TD>
                      </TR>
                    ))}
                  </TBody>
                </Table>
              )}
            </QueryState>
          </Card>
        )}
      </div>
      <ConfirmDialog
        open={!!removing}
        title={interpolate(t("team.removeTitle"), { email: removing?.user.email ?? "" })}
        body={t("team.removeBody")}
        confirmLabel={t("team.remove")}
        destructive
        busy={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing, { onError: (e) => toast.error(errorMessage(e)) })}
        onClose={() => setRemoving(null)}
      />
      <ConfirmDialog
        open={!!revoking}
        title={t("team.withdrawTitle")}
        body={interpolate(t("team.withdrawBody"), { email: revoking?.email ?? "" })}
        confirmLabel={t("team.withdraw")}
        destructive
        busy={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate(revoking, { onError: (e) => toast.error(errorMessage(e)) })}
        onClose={() => setRevoking(null)}
      />
    </div>
  );
}
