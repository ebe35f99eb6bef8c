/** The account feature's endpoints: profile, password, signed-in sessions and password reset. */
import { useMutation, useQuery } from "@tanstack/react-query";
import { api, queryClient } from "@/lib/client";
import type { Paginated, Profile } from "@/lib/types";

export interface UserSession {
  id: string;
  user: string;
  ip: string | null;
  user_agent: string;
  created_at: string;
  last_seen_at: string;
  revoked_at: string | null;
  is_active: boolean;
  current: boolean;
}

const NO_BUSINESS = { business: false } as const;

export function useProfile() {
  return useQuery({ queryKey: ["profile"], queryFn: () => api.get<Profile>("users/profile/", undefined, NO_BUSINESS) });
}

export function useUpdateProfile() {
  return useMutation({
    mutationFn: (body: Partial<Profile>) => api.patch<Profile>("users/profile/", body, NO_BUSINESS),
    // Not awaited: the refetched profile remounts the form, after the caller's onSuccess (its toast).
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["me"] });
      void queryClient.invalidateQueries({ queryKey: ["profile"] });
    },
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (body: { old_password: string; new_password: string }) => api.post<void>("users/me/password/", body, NO_BUSINESS),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["sessions"] }),
  });
}

/** The user's own sessions, active ones first (a super admin's list is everyone's: filtered to theirs). */
export function useSessions(userEmail: string | undefined) {
  return useQuery({
    queryKey: ["sessions", userEmail],
    queryFn: () => api.get<Paginated<UserSession>>("core/sessions/", { page_size: 100, ordering: "-last_seen_at" }, NO_BUSINESS),
    select: (page) => page.results.filter((s) => s.user === userEmail && s.is_active),
    enabled: !!userEmail,
  });
}

export function useRevokeSession() {
  return useMutation({
    mutationFn: (id: string) => api.post<UserSession>(`core/sessions/${id}/revoke/`, undefined, NO_BUSINESS),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["sessions"] }),
  });
}

export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: (email: string) => api.post<void>("auth/password/reset/", { email }, { auth: false, business: false }),
  });
}

export function useConfirmPasswordReset() {
  return useMutation({
    mutationFn: (body: { uid: string; token: string; new_password: string }) =>
      api.post<void>("auth/password/reset/confirm/", body, { auth: false, business: false }),
  });
}
