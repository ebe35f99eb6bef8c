/** Moved to the auth feature; kept for the account pages that import it from here. */
export { AuthLayout, safeNext } from "@/features/auth/pages/AuthLayout";
