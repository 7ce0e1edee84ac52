import "server-only";
import { brandFrom } from "@/lib/branding/queries";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logger";
import { deliverSoon, enqueueEmails } from "@/lib/mail/service";
import { takeBudget } from "@/lib/rate-limit";
import { verificationEmail } from "./emails";
import type { Actor } from "./permissions";
import { verifyEmailInput } from "./schemas";
import { consumeAccountToken, issueAccountToken } from "./tokens";

/**
 * Confirming an address: the welcome email (and "send the link again") carries a single-use link. Using it
 * marks the address confirmed and signs the person in (next-auth's "email-link" provider calls this).
 * The link confirms only the address it was sent to: after an email change, an old link does nothing.
 */
export async function confirmEmail(raw: unknown) {
  const parsed = verifyEmailInput.safeParse(raw);
  if (!parsed.success) return null;
  return db.$transaction(async (tx) => {
    const token = await consumeAccountToken(tx, parsed.data.token, "email_verification");
    if (!token) return null;
    const user = await tx.user.findUniqueOrThrow({
      where: { id: token.userId },
      select: {
        id: true,
        email: true,
        name: true,
        role: true,
        status: true,
        tokenVersion: true,
        emailVerifiedAt: true,
        totpEnabledAt: true,
      },
    });
    if (user.email !== token.email) return null;
    if (!user.emailVerifiedAt)
      await tx.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date() }, select: { id: true } });
    logger.info({ userId: user.id }, "email confirmed");
    const { emailVerifiedAt: _omit, totpEnabledAt, ...rest } = user;
    return { ...rest, twoFactor: totpEnabledAt !== null };
  });
}

/** Whether the actor's current address is confirmed. */
export async function isEmailVerified(actor: Pick<Actor, "id">) {
  const row = await db.user.findUnique({ where: { id: actor.id }, select: { emailVerifiedAt: true } });
  return Boolean(row?.emailVerifiedAt);
}

export const EMAIL_UNVERIFIED_MESSAGE =
  "Confirm your email address before paying: open the link we sent you, or send it again from your dashboard.";

/**
 * Buying needs a confirmed address (receipts, refunds and reminders go there): a 403 with
 * `details.reason: "email_unverified"` otherwise. Read in the caller's transaction.
 */
export async function assertEmailVerified(client: Pick<Prisma.TransactionClient, "user">, userId: string) {
  const row = await client.user.findUnique({ where: { id: userId }, select: { emailVerifiedAt: true } });
  if (!row?.emailVerifiedAt)
    throw new AppError("forbidden", EMAIL_UNVERIFIED_MESSAGE).withDetails({ reason: "email_unverified" });
}

/** "Send the link again": 3 an hour per user. Earlier links stop working. */
export async function resendVerification(actor: Actor) {
  if (await isEmailVerified(actor)) return "Your email address is already confirmed.";
  await takeBudget("verificationEmail", actor.id);
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUniqueOrThrow({
      where: { id: actor.id },
      select: { id: true, name: true, email: true },
    });
    const { token, id } = await issueAccountToken(tx, user, "email_verification");
    await enqueueEmails(tx, [verificationEmail(await brandFrom(tx, actor.brandId), user, token, id)]);
  });
  deliverSoon();
  return `We sent a new link to ${actor.email}. It works once, for 7 days.`;
}
