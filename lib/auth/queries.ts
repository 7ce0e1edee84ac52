import "server-only";
import { db } from "@/lib/db";
import type { Actor } from "./permissions";

/** The role of the account with this email (where to send it after sign-in); null when there is none. */
export async function getRoleByEmail(email: string, brandId: string) {
  const row = await db.user.findUnique({ where: { brandId_email: { brandId, email } }, select: { role: true } });
  return row?.role ?? null;
}

const actorSelect = {
  id: true,
  brandId: true,
  email: true,
  name: true,
  role: true,
  status: true,
  totpEnabledAt: true,
} as const;

/** A user as the acting-user shape services take (for acting on someone's behalf, and tests). */
export async function getActorOrThrow(userId: string): Promise<Actor> {
  const { totpEnabledAt, ...row } = await db.user.findUniqueOrThrow({ where: { id: userId }, select: actorSelect });
  return { ...row, twoFactor: totpEnabledAt !== null };
}
