import "server-only";
import { db } from "@/lib/db";
import { AppError, fieldError, isUniqueViolation } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { dummyHash, hashPassword, verifyPassword } from "./password";
import { assertPasswordAllowed } from "./password-policy";
import { signInSucceeded, takeSignInAttempt, takeSignUpAttempt } from "./rate-limit";
import { signUpInput, type SignInInput } from "./schemas";

/**
 * Creates a viewer account. A common password, or one made of the email address, is a field error
 * saying so; so is a taken email. Sign-ups are throttled per IP.
 */
export async function registerUser(raw: unknown, ip: string) {
  const input = signUpInput.parse(raw);
  assertPasswordAllowed(input.password, input.email);
  if ((await takeSignUpAttempt(ip)) > 0) {
    logger.warn({ ip }, "sign-up refused: too many from this address");
    throw new AppError("rate_limited", "Too many new accounts from your network. Try again in an hour.");
  }
  try {
    const user = await db.user.create({
      data: { email: input.email, name: input.name, passwordHash: await hashPassword(input.password) },
      select: { id: true, email: true, role: true },
    });
    logger.info({ userId: user.id }, "account created");
    return user;
  } catch (err) {
    if (isUniqueViolation(err))
      throw fieldError("email", "An account with this email already exists. Sign in instead.");
    throw err;
  }
}

export type SignInFailure = "invalid" | "rate_limited" | "suspended";

export class SignInRefused extends Error {
  constructor(
    readonly reason: SignInFailure,
    readonly retryAfterMs = 0,
  ) {
    super(reason);
  }
}

/**
 * Checks credentials for next-auth's Credentials provider. Wrong email and wrong password fail
 * the same way, in the same time. Each attempt spends one point of the account's and the IP's
 * budget first; a spent budget is refused before the password is read.
 */
export async function authenticate(input: SignInInput, ip: string) {
  const wait = await takeSignInAttempt(input.email, ip);
  if (wait > 0) {
    logger.warn({ ip, retryAfterMs: wait }, "sign-in refused: too many attempts");
    throw new SignInRefused("rate_limited", wait);
  }
  const user = await db.user.findUnique({
    where: { email: input.email },
    select: { id: true, email: true, name: true, role: true, status: true, tokenVersion: true, passwordHash: true },
  });
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), input.password);
  if (!user || !ok) {
    logger.info({ ip, knownAccount: Boolean(user) }, "sign-in failed");
    throw new SignInRefused("invalid");
  }
  if (user.status === "suspended") {
    logger.info({ userId: user.id }, "sign-in refused: account suspended");
    throw new SignInRefused("suspended");
  }
  await signInSucceeded(input.email, ip);
  logger.info({ userId: user.id }, "signed in");
  const { passwordHash: _omit, ...safe } = user;
  return safe;
}
