import type { Role } from "./types";

const RANK: Record<Role, number> = { viewer: 0, staff: 1, admin: 2, owner: 3 };

export function atLeast(role: Role | null | undefined, needed: Role): boolean {
  if (!role) return false;
  return RANK[role] >= RANK[needed];
}

/** staff+: customers, suppliers, transactions, invoices, KAVI */
export const canWrite = (role: Role | null | undefined) => atLeast(role, "staff");
/** admin+: budgets, members, invitations, deletes, the activity log */
export const canAdmin = (role: Role | null | undefined) => atLeast(role, "admin");
