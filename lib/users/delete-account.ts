import "server-only";
import crypto from "node:crypto";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import type { Actor } from "@/lib/auth/permissions";
import { brandFrom } from "@/lib/branding/queries";
import { db } from "@/lib/db";
import { AppError, fieldError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { deliverSoon, enqueueEmails } from "@/lib/mail/service";
import { takeBudget } from "@/lib/rate-limit";
import { deleteAccountInput } from "./schemas";

/**
 * Deleting one's own account (/account). Bookings, tickets, tips, payments, refunds and traces must stay
 * (payment and tax records, the other side's history, disputes), so the account is anonymised rather
 * than removed: name and email replaced, password made unusable, every session ended, links voided, a
 * creator profile unpublished and stripped. The address is free again for a new account. Refused while
 * something is still ahead (a session, a show, a ticket): those are cancelled first, by the usual rules.
 * Admins are refused: another admin removes the role first, so the audit log keeps a live actor.
 */
export async function deleteOwnAccount(actor: Actor, raw: unknown, now = new Date()) {
  const input = deleteAccountInput.parse(raw);
  if (actor.role === "admin")
    throw new AppError(
      "conflict",
      "Admins can't delete their own account; ask another admin to remove your admin role first.",
    );
  await takeBudget("passwordChange", actor.id);
  const user = await db.user.findUniqueOrThrow({
    where: { id: actor.id },
    select: { id: true, brandId: true, name: true, email: true, passwordHash: true },
  });
  if (!(await verifyPassword(user.passwordHash, input.currentPassword)))
    throw fieldError("currentPassword", "That is not your current password.");
  // Read across domains on purpose: one question ("is anything still ahead for this person?") over their rows.
  const ahead = await Promise.all([
    db.booking.count({
      where: { viewerId: user.id, status: { in: ["confirmed", "pending_payment"] }, endsAt: { gt: now } },
    }),
    db.booking.count({
      where: { creator: { userId: user.id }, status: { in: ["confirmed", "pending_payment"] }, endsAt: { gt: now } },
    }),
    db.ticket.count({
      where: { viewerId: user.id, status: { in: ["paid", "pending_payment"] }, event: { endsAt: { gt: now } } },
    }),
    db.groupEvent.count({
      where: { creator: { userId: user.id }, status: { in: ["scheduled", "live"] }, endsAt: { gt: now } },
    }),
  ]);
  if (ahead.some((n) => n > 0))
    throw new AppError(
      "conflict",
      "You still have upcoming sessions, shows or tickets. Cancel them first (refunds follow the usual rules), then delete your account.",
    );
  const unusable = await hashPassword(crypto.randomBytes(32).toString("base64url"));
  await db.$transaction(async (tx) => {
    // The goodbye goes to the old address, written before the address is gone.
    const brand = await brandFrom(tx, user.brandId);
    await enqueueEmails(tx, [
      {
        dedupeKey: `account:${user.id}:deleted`,
        brandId: brand.id,
        to: user.email,
        subject: `Your ${brand.name} account was deleted`,
        text: [
          `Hi ${user.name},`,
          "",
          `Your ${brand.name} account was deleted as you asked. Your name and email address were removed; records of past payments are kept without them, as the law requires.`,
          "",
          `— ${brand.name}`,
          "",
          `You get this email because this was the address of a ${brand.name} account.`,
        ].join("\n"),
      },
    ]);
    await tx.user.update({
      where: { id: user.id },
      data: {
        email: `deleted-${user.id}@deleted.invalid`,
        name: "Deleted user",
        passwordHash: unusable,
        emailVerifiedAt: null,
        deletedAt: now,
        tokenVersion: { increment: 1 },
        totpSecret: null,
        totpPendingSecret: null,
        totpEnabledAt: null,
        timeZone: null,
      },
      select: { id: true },
    });
    await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
    await tx.authSession.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: now } });
    await tx.accountToken.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: now } });
    await tx.creatorProfile.updateMany({
      where: { userId: user.id },
      data: { published: false, displayName: "Deleted creator", bio: "", avatarUrl: null },
    });
  });
  deliverSoon();
  logger.info({ userId: user.id }, "account deleted (anonymised)");
}
