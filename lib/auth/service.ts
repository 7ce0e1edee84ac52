import "server-only";
import { db } from "@/lib/db";
import { fieldError, isUniqueViolation } from "@/lib/errors";
import { logger, type Logger } from "@/lib/logger";
import { dummyHash, hashPassword, verifyPassword } from "./password";
import { clearSignInFailures, recordSignInFailure, signInBlockedFor } from "./rate-limit";
import { signUpInput, type SignInInput } from "./schemas";

/** Creates a viewer account. A taken email is a field error, not a crash. */
export async function registerUser(raw: unknown) {
  const input = signUpInput.parse(raw);
  try {
    const user = await db.user.create({
      data: { email: input.email, name: input.name, passwordHash: await hashPassword(input.password) },
      select: { id: true, email: true, role: true },
    });
    logger.info({ userId: user.id }, "account created");
    return user;
  } catch (err) {
    if (isUniqueViolation(err)) throw fieldError("email", "An account with this email already exists. Sign in instead.");
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
 * the same way, in the same time. A blocked account or IP is refused before the password is read.
 */
export async function authenticate(input: SignInInput, ip: string, log: Logger = logger) {
  const blocked = await signInBlockedFor(input.email, ip);
  if (blocked > 0) {
    log.warn({ ip, retryAfterMs: blocked }, "sign-in refused: too many failures");
    throw new SignInRefused("rate_limited", blocked);
  }

  const user = await db.user.findUnique({
    where: { email: input.email },
    select: { id: true, email: true, name: true, role: true, status: true, tokenVersion: true, passwordHash: true },
  });
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), input.password);
  if (!user || !ok) {
    await recordSignInFailure(input.email, ip);
    log.info({ ip, knownAccount: Boolean(user) }, "sign-in failed");
    throw new SignInRefused("invalid");
  }
  if (user.status === "suspended") {
    log.info({ userId: user.id }, "sign-in refused: account suspended");
    throw new SignInRefused("suspended");
  }
  await clearSignInFailures(input.email);
  log.info({ userId: user.id }, "signed in");
  const { passwordHash: _omit, ...safe } = user;
  return safe;
}
