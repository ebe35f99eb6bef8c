/** Signing in, registering, creating a business and joining one by invitation: one hook per endpoint. */
import { useMutation } from "@tanstack/react-query";
import { api } from "@/lib/client";
import type { Business, Me } from "@/lib/types";

type LoginResult = Awaited<ReturnType<typeof api.login<Me>>>;

/** POST auth/token/ (through the client, which keeps the tokens). */
export function useLogin(onSuccess: (data: LoginResult) => void) {
  return useMutation({ mutationFn: (v: { email: string; password: string }) => api.login<Me>(v.email, v.password), onSuccess });
}

/** POST users/register/, then signs in with the same credentials. */
export function useRegister(onSuccess: (data: LoginResult) => void) {
  return useMutation({
    mutationFn: async (payload: { email: string; password: string; first_name: string; last_name: string }) => {
      await api.post("users/register/", payload, { auth: false, business: false });
      return api.login<Me>(payload.email, payload.password);
    },
    onSuccess,
  });
}

/** POST users/businesses/ (the creator becomes its owner), then GET users/me/ for the new membership. */
export function useCreateBusiness(onSuccess: (data: { business: Business; me: Me }) => void) {
  return useMutation({
    mutationFn: async (payload: Record<string, string>) => {
      const business = await api.post<Business>("users/businesses/", payload, { business: false });
      const me = await api.get<Me>("users/me/", undefined, { business: false });
      return { business, me };
    },
    onSuccess,
  });
}

/** POST users/invitations/accept/ {token}, then GET users/me/; `joined` is the business joined. */
export function useAcceptInvitation(onSuccess: (data: { me: Me; joined: number | null }) => void) {
  return useMutation({
    mutationFn: async ({ token, before }: { token: string; before: Set<number> }) => {
      const result = await api.post<{ business?: { id: number } | number; business_id?: number }>("users/invitations/accept/", { token }, { business: false });
      const me = await api.get<Me>("users/me/", undefined, { business: false });
      const fromResult = typeof result?.business === "number" ? result.business : result?.business?.id ?? result?.business_id;
      const joined = fromResult ?? me.memberships.find((m) => !before.has(m.business.id))?.business.id ?? null;
      return { me, joined };
    },
    onSuccess,
  });
}
