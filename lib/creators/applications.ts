import "server-only";
import { appendAudit } from "@/lib/audit/service";
import { assertRole, type Actor, inActorsBrand } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logger";
import { deliverSoon } from "@/lib/mail/service";
import { takeBudget } from "@/lib/rate-limit";
import { enqueueApplicationDecidedEmail } from "./emails";
import { applyAsCreatorInput, decideApplicationInput } from "./schemas";
import { slugify } from "./slug";

/** Viewer: ask to become a creator. One pending application at a time. */
export async function applyAsCreator(actor: Actor, raw: unknown) {
  assertRole(actor, ["viewer"]);
  const input = applyAsCreatorInput.parse(raw);
  await takeBudget("application", actor.id);
  return db.$transaction(async (tx) => {
    // Serialises two quick submissions by the same user.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`apply:${actor.id}`}))`;
    const pending = await tx.creatorApplication.findFirst({
      where: { userId: actor.id, status: "pending" },
      select: { id: true },
    });
    if (pending) throw new AppError("conflict", "You already have an application waiting for review.");
    return tx.creatorApplication.create({ data: { userId: actor.id, ...input }, select: { id: true, status: true } });
  });
}

async function freeSlug(tx: Prisma.TransactionClient, base: string) {
  for (let n = 1; ; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (!(await tx.creatorProfile.findUnique({ where: { slug }, select: { id: true } }))) return slug;
  }
}

/**
 * Admin: approve (the user becomes a creator with a draft, unpublished profile) or decline. A brand's admin
 * decides their brand's applications only; a platform admin any brand's.
 * Only a pending application can be decided, so a double click decides once.
 */
export async function decideApplication(actor: Actor, raw: unknown) {
  assertRole(actor, ["admin"]);
  const input = decideApplicationInput.parse(raw);
  await takeBudget("adminAction", actor.id);
  const approve = input.decision === "approve";
  const result = await db.$transaction(async (tx) => {
    // Another brand's application is, to a brand's admin, one that does not exist.
    const app = await tx.creatorApplication.findFirst({
      where: { id: input.applicationId, user: inActorsBrand(actor) },
      select: { id: true, userId: true, displayName: true },
    });
    if (!app) throw new AppError("not_found", "That application no longer exists.");
    const { count } = await tx.creatorApplication.updateMany({
      where: { id: app.id, status: "pending" },
      data: {
        status: approve ? "approved" : "declined",
        decidedById: actor.id,
        decidedAt: new Date(),
        decisionNote: input.note,
      },
    });
    if (count === 0) throw new AppError("conflict", "This application was already decided.");
    if (approve) {
      // Only a viewer is promoted: an applicant made admin meanwhile must not be demoted by this click.
      const applicant = await tx.user.findUniqueOrThrow({ where: { id: app.userId }, select: { role: true } });
      if (applicant.role === "admin")
        throw new AppError("conflict", "This applicant is an admin now; change their role on the users list instead.");
      await tx.user.updateMany({ where: { id: app.userId, role: "viewer" }, data: { role: "creator" } });
      const exists = await tx.creatorProfile.findUnique({ where: { userId: app.userId }, select: { id: true } });
      if (!exists) {
        await tx.creatorProfile.create({
          data: {
            userId: app.userId,
            slug: await freeSlug(tx, slugify(app.displayName)),
            displayName: app.displayName,
            timeZone: "UTC",
            published: false,
          },
        });
      }
    }
    await tx.moderationAction.create({
      data: {
        actorId: actor.id,
        targetUserId: app.userId,
        type: approve ? "approve_creator" : "decline_creator",
        reason: input.note,
        details: { applicationId: app.id },
      },
    });
    await appendAudit(tx, {
      actor,
      action: approve ? "application.approved" : "application.declined",
      subjectType: "application",
      subjectId: app.id,
      subjectUserId: app.userId,
      reason: input.note ?? null,
    });
    await enqueueApplicationDecidedEmail(tx, app, approve, input.note);
    logger.info({ actorId: actor.id, applicationId: app.id, decision: input.decision }, "creator application decided");
    return { status: approve ? "approved" : "declined" } as const;
  });
  deliverSoon();
  return result;
}
