import "server-only";
import { legalDocument } from "@/lib/branding/legal";
import { brandFrom } from "@/lib/branding/queries";
import { db } from "@/lib/db";
import { AppError, isUniqueViolation } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logger";
import { deliverSoon, enqueueEmails } from "@/lib/mail/service";
import { canonicalTimeZone, isValidTimeZone } from "@/lib/time";
import { signUpTakenEmail, welcomeEmail } from "./emails";
import { dummyHash, hashPassword, verifyPassword } from "./password";
import { assertPasswordAllowed } from "./password-policy";
import { signInSucceeded, takeSignInAttempt, takeSignUpAttempt } from "./rate-limit";
import { safeCallbackPath, signUpInput, type SignInInput } from "./schemas";
import { issueAccountToken } from "./tokens";
import { checkSecondFactor, readPendingSignIn } from "./two-factor";

/** What sign-up answers, whether the address was new or already had an account. */
export const signedUpMessage = (email: string) =>
  `Almost done: we sent an email to ${email}. Open the link in it to confirm your address and sign in. No email after a few minutes? Check your spam folder.`;

/** Every sign-up answer takes at least this long, so timing does not tell which addresses have accounts. */
const SIGNUP_ANSWER_FLOOR_MS = 400;

/**
 * Creates a viewer account, or, when the address already has one, mails its owner instead; both answer
 * the same message in at least the same time, so sign-up does not tell who has an account. The new
 * account records the version of the terms it agreed to and gets a welcome email whose link confirms
 * the address and signs it in (then goes on to `callbackUrl`, e.g. the time the viewer had picked).
 * A common password, or one made of the email address, is a field error saying so. Throttled per IP.
 */
export async function registerUser(raw: unknown, ip: string, brandId: string, callbackUrl?: unknown) {
  const input = signUpInput.parse(raw);
  assertPasswordAllowed(input.password, input.email);
  if ((await takeSignUpAttempt(ip)) > 0) {
    logger.warn({ ip }, "sign-up refused: too many from this address");
    throw new AppError("rate_limited", "Too many new accounts from your network. Try again in an hour.");
  }
  const started = Date.now();
  const passwordHash = await hashPassword(input.password); // in both cases, for the same timing
  const next = safeCallbackPath(callbackUrl);
  let userId: string | null = null;
  try {
    userId = await db.$transaction(async (tx) => {
      const brand = await brandFrom(tx, brandId);
      const now = new Date();
      const existing = await tx.user.findUnique({
        where: { brandId_email: { brandId, email: input.email } },
        select: { id: true, name: true, email: true },
      });
      if (existing) {
        await enqueueEmails(tx, [signUpTakenEmail(brand, existing, now)]);
        logger.info({ userId: existing.id }, "sign-up with an address that has an account: owner mailed");
        return null;
      }
      const user = await tx.user.create({
        data: {
          brandId,
          email: input.email,
          name: input.name,
          passwordHash,
          timeZone: input.timeZone && isValidTimeZone(input.timeZone) ? canonicalTimeZone(input.timeZone) : "UTC",
          termsVersion: legalDocument(brand, "terms").version,
          termsAcceptedAt: now,
        },
        select: { id: true, email: true, name: true },
      });
      const { token } = await issueAccountToken(tx, user, "email_verification", now);
      await enqueueEmails(tx, [welcomeEmail(brand, user, token, next)]);
      logger.info({ userId: user.id }, "account created");
      return user.id;
    });
  } catch (err) {
    // Two sign-ups with one new address at once: the second finds it taken, and answers the same.
    if (!isUniqueViolation(err)) throw err;
    logger.info({ ip }, "sign-up raced another for the same address");
  }
  deliverSoon();
  const left = SIGNUP_ANSWER_FLOOR_MS - (Date.now() - started);
  if (left > 0) await new Promise((r) => setTimeout(r, left));
  return { message: signedUpMessage(input.email), userId };
}

export type SignInFailure = "invalid" | "rate_limited" | "suspended" | "code_required" | "code_invalid";

export class SignInRefused extends Error {
  constructor(
    readonly reason: SignInFailure,
    readonly retryAfterMs = 0,
  ) {
    super(reason);
  }
}

const signInSelect = {
  id: true,
  brandId: true,
  email: true,
  name: true,
  role: true,
  status: true,
  tokenVersion: true,
  passwordHash: true,
  totpSecret: true,
  totpEnabledAt: true,
} as const;

/**
 * Checks credentials for next-auth's Credentials provider. Wrong email and wrong password fail
 * the same way, in the same time. Each attempt spends one point of the account's and the IP's
 * budget first; a spent budget is refused before the password is read. An account with two-step
 * sign-in also needs its code: without one the answer is "code_required" (only after the password was
 * right; the budget is not given back until the code is), with a wrong one "code_invalid".
 */
export async function authenticate(input: SignInInput, ip: string, brandId: string) {
  const wait = await takeSignInAttempt(input.email, ip);
  if (wait > 0) {
    logger.warn({ ip, retryAfterMs: wait }, "sign-in refused: too many attempts");
    throw new SignInRefused("rate_limited", wait);
  }
  // Accounts are per brand: the address is looked up among the accounts of the brand signed in to.
  const user = await db.user.findUnique({
    where: { brandId_email: { brandId, email: input.email } },
    select: signInSelect,
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
  if (user.totpEnabledAt && !input.code) {
    logger.info({ userId: user.id }, "sign-in: password right, code required");
    throw new SignInRefused("code_required");
  }
  return finishSignIn(user, input.code, ip);
}

/**
 * The sign-in form's second step: the signed note from the first (the password was right, this account,
 * not since reset) and the code. Throttled with the same budgets as passwords.
 */
export async function authenticateWithCode(
  input: { email: string; pending: string; code: string },
  ip: string,
  brandId: string,
) {
  const wait = await takeSignInAttempt(input.email, ip);
  if (wait > 0) {
    logger.warn({ ip, retryAfterMs: wait }, "sign-in code refused: too many attempts");
    throw new SignInRefused("rate_limited", wait);
  }
  const userId = await readPendingSignIn(input.pending);
  const user = userId ? await db.user.findUnique({ where: { id: userId }, select: signInSelect }) : null;
  if (!user || user.email !== input.email || user.brandId !== brandId) throw new SignInRefused("invalid");
  if (user.status === "suspended") throw new SignInRefused("suspended");
  return finishSignIn(user, input.code, ip);
}

type SignInRow = Prisma.UserGetPayload<{ select: typeof signInSelect }>;

async function finishSignIn(user: SignInRow, code: string | undefined, ip: string) {
  if (user.totpEnabledAt && user.totpSecret) {
    if (!code || !(await checkSecondFactor(user.id, user.totpSecret, code))) {
      logger.info({ userId: user.id, ip }, "sign-in failed: wrong second-factor code");
      throw new SignInRefused("code_invalid");
    }
  }
  await signInSucceeded(user.email, ip);
  logger.info({ userId: user.id }, "signed in");
  const { passwordHash: _p, totpSecret: _s, totpEnabledAt: _e, ...safe } = user;
  return safe;
}
