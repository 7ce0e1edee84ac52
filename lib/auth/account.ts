import "server-only";
import crypto from "node:crypto";
import { brandFrom } from "@/lib/branding/queries";
import { db } from "@/lib/db";
import { fieldError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { deliverSoon, enqueueEmails } from "@/lib/mail/service";
import { takeBudget } from "@/lib/rate-limit";
import { passwordChangedEmail } from "./emails";
import { hashPassword, verifyPassword } from "./password";
import { assertPasswordAllowed } from "./password-policy";
import type { Actor } from "./permissions";
import { changeNameInput, changePasswordInput, changeTimeZoneInput } from "./schemas";

/** Account settings (/account): the user's own name and password. */

export async function changeName(actor: Actor, raw: unknown) {
  const input = changeNameInput.parse(raw);
  await db.user.update({ where: { id: actor.id }, data: { name: input.name }, select: { id: true } });
  logger.info({ userId: actor.id }, "name changed");
  return "Name saved.";
}

/** The zone Booth shows this person's times in (pages, emails, reminders). */
export async function changeTimeZone(actor: Actor, raw: unknown) {
  const input = changeTimeZoneInput.parse(raw);
  await db.user.update({ where: { id: actor.id }, data: { timeZone: input.timeZone }, select: { id: true } });
  logger.info({ userId: actor.id, timeZone: input.timeZone }, "time zone changed");
  return `Time zone saved: times are now shown in ${input.timeZone}.`;
}

/**
 * A new password, given the current one (5 tries an hour: the current password must not be guessable here
 * either). Every other sign-in session ends; this one stays. The owner is told by email.
 */
export async function changePassword(actor: Actor, currentSessionId: string, raw: unknown) {
  const input = changePasswordInput.parse(raw);
  await takeBudget("passwordChange", actor.id);
  const user = await db.user.findUniqueOrThrow({
    where: { id: actor.id },
    select: { id: true, name: true, email: true, passwordHash: true },
  });
  if (!(await verifyPassword(user.passwordHash, input.currentPassword)))
    throw fieldError("currentPassword", "That is not your current password.");
  assertPasswordAllowed(input.newPassword, user.email);
  if (await verifyPassword(user.passwordHash, input.newPassword))
    throw fieldError("newPassword", "That is your current password; choose a new one.");
  const passwordHash = await hashPassword(input.newPassword);
  const revoked = await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash }, select: { id: true } });
    const { count } = await tx.authSession.updateMany({
      where: { userId: user.id, revokedAt: null, id: { not: currentSessionId } },
      data: { revokedAt: new Date() },
    });
    await enqueueEmails(tx, [
      passwordChangedEmail(await brandFrom(tx, actor.brandId), user, `change-${crypto.randomUUID()}`, "others"),
    ]);
    return count;
  });
  deliverSoon();
  logger.info({ userId: user.id, sessionsRevoked: revoked }, "password changed");
  return revoked
    ? `Password changed. ${revoked === 1 ? "1 other device was" : `${revoked} other devices were`} signed out.`
    : "Password changed.";
}
