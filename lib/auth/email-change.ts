import "server-only";
import { brandFrom } from "@/lib/branding/queries";
import { db } from "@/lib/db";
import { AppError, fieldError, isUniqueViolation } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { deliverSoon, enqueueEmails } from "@/lib/mail/service";
import { takeBudget } from "@/lib/rate-limit";
import { emailChangedEmail, emailChangeLinkEmail } from "./emails";
import { verifyPassword } from "./password";
import type { Actor } from "./permissions";
import { changeEmailInput, verifyEmailInput } from "./schemas";
import { consumeAccountToken, issueAccountToken } from "./tokens";

/**
 * Changing the email address: asked for on /account with the current password; the new address gets a
 * single-use link (7 days) and the address changes only when it is opened there, so it is confirmed by
 * construction. The old address is told. The answer is the same whether or not the new address already
 * has an account (nothing is sent then), so this form does not tell who has one either.
 */
export const emailChangeRequestedMessage = (email: string) =>
  `We sent a link to ${email}. Your address changes when you open it there (within 7 days).`;

export async function requestEmailChange(actor: Actor, raw: unknown) {
  const input = changeEmailInput.parse(raw);
  await takeBudget("emailChange", actor.id);
  const user = await db.user.findUniqueOrThrow({
    where: { id: actor.id },
    select: { id: true, name: true, email: true, passwordHash: true },
  });
  if (!(await verifyPassword(user.passwordHash, input.currentPassword)))
    throw fieldError("currentPassword", "That is not your current password.");
  if (input.newEmail === user.email) throw fieldError("newEmail", "That is already your address.");
  await db.$transaction(async (tx) => {
    const taken = await tx.user.findUnique({
      where: { brandId_email: { brandId: actor.brandId, email: input.newEmail } },
      select: { id: true },
    });
    if (taken) {
      logger.info({ userId: user.id }, "email change to an address that has an account: nothing sent");
      return;
    }
    const { token, id } = await issueAccountToken(tx, { id: user.id, email: input.newEmail }, "email_change");
    await enqueueEmails(tx, [
      emailChangeLinkEmail(await brandFrom(tx, actor.brandId), { ...user, email: input.newEmail }, token, id),
    ]);
  });
  deliverSoon();
  return emailChangeRequestedMessage(input.newEmail);
}

export const EMAIL_CHANGE_LINK_INVALID =
  "This link has expired or was already used. Ask for the change again from your account page.";

/** The link's button: the address becomes the new one, confirmed; the old address is told. */
export async function confirmEmailChange(raw: unknown) {
  const parsed = verifyEmailInput.safeParse(raw);
  if (!parsed.success) throw new AppError("invalid", EMAIL_CHANGE_LINK_INVALID);
  try {
    const result = await db.$transaction(async (tx) => {
      const token = await consumeAccountToken(tx, parsed.data.token, "email_change");
      if (!token) throw new AppError("invalid", EMAIL_CHANGE_LINK_INVALID);
      const before = await tx.user.findUniqueOrThrow({
        where: { id: token.userId },
        select: { id: true, brandId: true, name: true, email: true },
      });
      await tx.user.update({
        where: { id: before.id },
        data: { email: token.email, emailVerifiedAt: new Date() },
        select: { id: true },
      });
      await enqueueEmails(tx, [emailChangedEmail(await brandFrom(tx, before.brandId), before, token.email, token.id)]);
      logger.info({ userId: before.id }, "email address changed");
      return token.email;
    });
    deliverSoon();
    return `Your email address is now ${result}. Sign in with it from now on.`;
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError("conflict", "That address now belongs to another account, so it cannot be yours too.");
    throw err;
  }
}
