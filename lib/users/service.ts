import "server-only";
import { assertRole, type Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { changeRoleInput, setStatusInput } from "./schemas";

async function getTarget(userId: string) {
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, role: true, status: true } });
  if (!user) throw new AppError("not_found", "That user no longer exists.");
  return user;
}

/** Admin: set a user's role. Recorded as a moderation action. */
export async function changeUserRole(actor: Actor, raw: unknown) {
  assertRole(actor, ["admin"]);
  const input = changeRoleInput.parse(raw);
  if (input.userId === actor.id) throw new AppError("conflict", "You can't change your own role; ask another admin.");
  const target = await getTarget(input.userId);
  if (target.role === input.role) return target;
  const [updated] = await db.$transaction([
    db.user.update({ where: { id: target.id }, data: { role: input.role }, select: { id: true, role: true, status: true } }),
    db.moderationAction.create({
      data: { actorId: actor.id, targetUserId: target.id, type: "change_role", details: { from: target.role, to: input.role } },
    }),
  ]);
  logger.info({ actorId: actor.id, userId: target.id, role: input.role }, "role changed");
  return updated;
}

/**
 * Admin: suspend or reinstate. Suspension bumps the token version, so every session the user
 * holds stops working at its next request, and a reinstated user signs in afresh.
 */
export async function setUserStatus(actor: Actor, raw: unknown) {
  assertRole(actor, ["admin"]);
  const input = setStatusInput.parse(raw);
  if (input.userId === actor.id) throw new AppError("conflict", "You can't suspend or reinstate yourself.");
  const target = await getTarget(input.userId);
  if (target.status === input.status) return target;
  const suspending = input.status === "suspended";
  const [updated] = await db.$transaction([
    db.user.update({
      where: { id: target.id },
      data: suspending
        ? { status: "suspended", suspendedAt: new Date(), suspendedReason: input.reason || null, tokenVersion: { increment: 1 } }
        : { status: "active", suspendedAt: null, suspendedReason: null },
      select: { id: true, role: true, status: true },
    }),
    db.moderationAction.create({
      data: { actorId: actor.id, targetUserId: target.id, type: suspending ? "suspend" : "reinstate", reason: input.reason || null },
    }),
  ]);
  logger.info({ actorId: actor.id, userId: target.id, status: input.status }, suspending ? "user suspended" : "user reinstated");
  return updated;
}
