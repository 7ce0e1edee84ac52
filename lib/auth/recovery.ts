import "server-only";
import { brandFrom } from "@/lib/branding/queries";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { deliverSoon, enqueueEmails } from "@/lib/mail/service";
import { takeBudget, tryBudget } from "@/lib/rate-limit";
import { passwordChangedEmail, passwordResetEmail } from "./emails";
import { hashPassword } from "./password";
import { assertPasswordAllowed } from "./password-policy";
import { clearSignInFailures } from "./rate-limit";
import { forgotPasswordInput, resetPasswordInput } from "./schemas";
import { consumeAccountToken, issueAccountToken } from "./tokens";

/**
 * Password reset by an emailed single-use link (/forgot-password, /reset-password). The request answers
 * the same, in at least the same time, whether or not the address has an account; the link's token is
 * stored hashed, works once and for an hour, and using it ends every session of the account.
 */

/** Every answer to a reset request takes at least this long, so timing does not tell which addresses exist. */
export const RESET_ANSWER_FLOOR_MS = 400;

export const RESET_REQUESTED_MESSAGE =
  "If an account uses that address, we've sent it a link to choose a new password. It works once, within 1 hour. Check your inbox (and spam folder).";

async function atLeast<T>(ms: number, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    const left = ms - (Date.now() - started);
    if (left > 0) await new Promise((r) => setTimeout(r, left));
  }
}

/**
 * Mails a reset link when the address has an account. Throttled per IP (a 429 that says so: it tells
 * nothing about any account) and per address (silently: the 4th request of an hour mails nothing but
 * answers the same). Returns the one message every caller sees.
 */
export async function requestPasswordReset(raw: unknown, ip: string, brandId: string) {
  const input = forgotPasswordInput.parse(raw);
  await takeBudget("passwordResetIp", ip);
  return atLeast(RESET_ANSWER_FLOOR_MS, async () => {
    // Spent for unknown addresses too, so the budget itself reveals nothing.
    if (!(await tryBudget("passwordResetAccount", input.email))) {
      logger.warn({ ip }, "password reset not mailed: too many for this address");
      return RESET_REQUESTED_MESSAGE;
    }
    const mailed = await db.$transaction(async (tx) => {
      const user = await tx.user.findUnique({
        where: { brandId_email: { brandId, email: input.email } },
        select: { id: true, name: true, email: true },
      });
      if (!user) return false;
      const { token, id } = await issueAccountToken(tx, user, "password_reset");
      await enqueueEmails(tx, [passwordResetEmail(await brandFrom(tx, brandId), user, token, id)]);
      logger.info({ userId: user.id }, "password reset link mailed");
      return true;
    });
    if (mailed) deliverSoon();
    else logger.info({ ip }, "password reset asked for an address with no account");
    return RESET_REQUESTED_MESSAGE;
  });
}

export const RESET_LINK_INVALID =
  "This reset link has expired or was already used. Ask for a new one: links work once, within 1 hour.";

/**
 * Sets a new password with a reset link's token. In one transaction: the token is spent (a second use
 * finds it spent), the password replaced, the token version bumped and every sign-in session revoked,
 * and the owner told by email. Returns the address, so the caller can sign the person in again.
 */
export async function resetPassword(raw: unknown) {
  const input = resetPasswordInput.parse(raw);
  // Hash before the transaction: argon2 takes a while and must not hold locks.
  const passwordHash = await hashPassword(input.password);
  const user = await db.$transaction(async (tx) => {
    const token = await consumeAccountToken(tx, input.token, "password_reset");
    if (!token) throw new AppError("invalid", RESET_LINK_INVALID, { token: [RESET_LINK_INVALID] });
    const owner = await tx.user.findUniqueOrThrow({
      where: { id: token.userId },
      select: { id: true, brandId: true, name: true, email: true },
    });
    // The policy needs the address, which only the token names: checked here, and the transaction
    // (with the token's use) rolls back on a refusal, so the link still works for a better password.
    assertPasswordAllowed(input.password, owner.email);
    await tx.user.update({
      where: { id: owner.id },
      // A reset proves the address too: the link could only be read there.
      data: {
        passwordHash,
        tokenVersion: { increment: 1 },
        ...(token.email === owner.email ? { emailVerifiedAt: new Date() } : {}),
      },
      select: { id: true },
    });
    const revoked = await tx.authSession.updateMany({
      where: { userId: owner.id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    await enqueueEmails(tx, [passwordChangedEmail(await brandFrom(tx, owner.brandId), owner, token.id)]);
    logger.info({ userId: owner.id, sessionsRevoked: revoked.count }, "password reset");
    return owner;
  });
  await clearSignInFailures(user.email);
  deliverSoon();
  return { email: user.email };
}
