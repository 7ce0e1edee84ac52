import "server-only";
import { db } from "@/lib/db";

/** The role of the account with this email (where to send it after sign-in); null when there is none. */
export async function getRoleByEmail(email: string) {
  const row = await db.user.findUnique({ where: { email }, select: { role: true } });
  return row?.role ?? null;
}
