import "server-only";
import { appendAudit } from "@/lib/audit/service";
import { actorsBrandId, assertRole, type Actor, inActorsBrand } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { nudgeEffects } from "@/lib/ops/outbox";
import { removeEverywhereInTx, SUSPENDED_REMOVAL } from "@/lib/sessions/room-effects";
import { takeBudget } from "@/lib/rate-limit";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Role, UserStatus } from "@/lib/generated/prisma/enums";
import { logger } from "@/lib/logger";
import { changeRoleInput, setStatusInput, updateUserInput } from "./schemas";

type Tx = Prisma.TransactionClient;
const userSummary = { id: true, role: true, status: true } as const;

function refuseSelf(actor: Actor, userId: string) {
  if (userId === actor.id)
    throw new AppError("conflict", "You can't change your own role or access; ask another admin.");
}

/**
 * Locks the user row for the rest of the transaction, so what we read is what we change. Only a user the
 * admin may see (their brand's; any brand's for a platform admin): another brand's is "no such user".
 */
async function lockTarget(tx: Tx, actor: Actor, userId: string) {
  const brandId = actorsBrandId(actor);
  await tx.$executeRaw`SELECT 1 FROM users WHERE id = ${userId} AND (${brandId}::text IS NULL OR "brandId" = ${brandId}) FOR UPDATE`;
  return findTarget(tx, actor, userId);
}

async function findTarget(tx: Tx, actor: Actor, userId: string) {
  const user = await tx.user.findFirst({ where: { id: userId, ...inActorsBrand(actor) }, select: userSummary });
  if (!user) throw new AppError("not_found", "That user no longer exists.");
  return user;
}

// Each change is a conditional update, so two admins (or a double click) change and log it once.
async function applyRole(tx: Tx, actor: Actor, userId: string, role: Role) {
  const before = await lockTarget(tx, actor, userId);
  const { count } = await tx.user.updateMany({ where: { id: userId, role: { not: role } }, data: { role } });
  if (count === 0) return;
  await tx.moderationAction.create({
    data: { actorId: actor.id, targetUserId: userId, type: "change_role", details: { from: before.role, to: role } },
  });
  await appendAudit(tx, {
    actor,
    action: "user.role_changed",
    subjectType: "user",
    subjectId: userId,
    subjectUserId: userId,
    details: { from: before.role, to: role },
  });
  logger.info({ actorId: actor.id, userId, role }, "role changed");
}

/** Suspension bumps the token version: every session the user holds stops at its next request. */
export async function applyStatus(
  tx: Tx,
  actor: Actor,
  userId: string,
  status: UserStatus,
  reason?: string,
  reportId?: string,
) {
  await lockTarget(tx, actor, userId);
  const suspending = status === "suspended";
  const { count } = await tx.user.updateMany({
    where: { id: userId, status: { not: status } },
    data: suspending
      ? { status, suspendedAt: new Date(), suspendedReason: reason || null, tokenVersion: { increment: 1 } }
      : { status, suspendedAt: null, suspendedReason: null },
  });
  if (count === 0) return;
  await tx.moderationAction.create({
    data: {
      actorId: actor.id,
      targetUserId: userId,
      type: suspending ? "suspend" : "reinstate",
      reason: reason || null,
      reportId: reportId ?? null,
    },
  });
  await appendAudit(tx, {
    actor,
    action: suspending ? "user.suspended" : "user.reinstated",
    subjectType: "user",
    subjectId: userId,
    subjectUserId: userId,
    reason: reason || null,
    ...(reportId ? { details: { reportId } } : {}),
  });
  // A suspended user leaves every live room at once (private sessions and shows), told why.
  if (suspending) await removeEverywhereInTx(tx, userId, SUSPENDED_REMOVAL);
  logger.info({ actorId: actor.id, userId, status }, suspending ? "user suspended" : "user reinstated");
}

/** Admin: set a user's role. Recorded as a moderation action. */
export async function changeUserRole(actor: Actor, raw: unknown) {
  assertRole(actor, ["admin"]);
  const input = changeRoleInput.parse(raw);
  refuseSelf(actor, input.userId);
  await takeBudget("adminAction", actor.id);
  return db.$transaction(async (tx) => {
    await applyRole(tx, actor, input.userId, input.role);
    return findTarget(tx, actor, input.userId);
  });
}

/** Admin: suspend or reinstate a user. Recorded as a moderation action. */
export async function setUserStatus(actor: Actor, raw: unknown) {
  assertRole(actor, ["admin"]);
  const input = setStatusInput.parse(raw);
  refuseSelf(actor, input.userId);
  await takeBudget("adminAction", actor.id);
  const target = await db.$transaction(async (tx) => {
    await applyStatus(tx, actor, input.userId, input.status, input.reason);
    return findTarget(tx, actor, input.userId);
  });
  nudgeEffects();
  return target;
}

/** Admin (API): change role and/or status together; both or neither. */
export async function updateUser(actor: Actor, userId: string, raw: unknown) {
  assertRole(actor, ["admin"]);
  const input = updateUserInput.parse(raw);
  refuseSelf(actor, userId);
  await takeBudget("adminAction", actor.id);
  const target = await db.$transaction(async (tx) => {
    if (input.role) await applyRole(tx, actor, userId, input.role);
    if (input.status) await applyStatus(tx, actor, userId, input.status, input.reason);
    return findTarget(tx, actor, userId);
  });
  nudgeEffects();
  return target;
}
