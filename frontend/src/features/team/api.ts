/** Members and invitations of the active business: one hook per endpoint. */
import { useQuery } from "@tanstack/react-query";
import { api, bizKey } from "@/lib/client";
import { useBizMutation } from "@/lib/hooks";
import type { Invitation, Membership, Paginated, Role } from "@/lib/types";

/** GET users/memberships/. */
export function useMemberships() {
  return useQuery({ queryKey: bizKey("users/memberships/"), queryFn: () => api.get<Paginated<Membership>>("users/memberships/", { page_size: 200 }) });
}

/** GET users/invitations/ (admins only). */
export function useInvitations(enabled: boolean) {
  return useQuery({
    queryKey: bizKey("users/invitations/"),
    queryFn: () => api.get<Paginated<Invitation>>("users/invitations/", { page_size: 200 }),
    enabled,
  });
}

/** POST users/invitations/ {email, role}. */
export function useInvite(onSent?: (invitation: Invitation) => void) {
  return useBizMutation((v: { email: string; role: Role }) => api.post<Invitation>("users/invitations/", v), onSent);
}

/** PATCH users/memberships/{id}/ {role}. */
export function useChangeRole(onChanged?: () => void) {
  return useBizMutation((v: { id: number; role: Role }) => api.patch<Membership>(`users/memberships/${v.id}/`, { role: v.role }), onChanged);
}

/** DELETE users/memberships/{id}/. */
export function useRemoveMember(onRemoved?: () => void) {
  return useBizMutation((m: Membership) => api.del(`users/memberships/${m.id}/`), onRemoved);
}

/** DELETE users/invitations/{id}/: the link stops working. */
export function useWithdrawInvitation(onWithdrawn?: () => void) {
  return useBizMutation((i: Invitation) => api.del(`users/invitations/${i.id}/`), onWithdrawn);
}
