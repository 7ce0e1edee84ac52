import "server-only";
import { RateLimiterRes } from "rate-limiter-flexible";
import { env } from "@/lib/env";
import { postgresLimiter } from "@/lib/rate-limit";

/**
 * Sign-in and sign-up throttling, stored in PostgreSQL (table rate_limits) so it holds across app
 * servers and restarts. An attempt is taken from the budget *before* the password is checked, so a
 * burst of parallel guesses cannot all slip through; a successful sign-in gives it back.
 */
const block = env.SIGNIN_BLOCK_MINUTES * 60;
const perAccount = postgresLimiter({
  keyPrefix: "signin:account",
  points: env.SIGNIN_MAX_FAILURES_PER_ACCOUNT,
  duration: block,
  blockDuration: block,
});
const perIp = postgresLimiter({
  keyPrefix: "signin:ip",
  points: env.SIGNIN_MAX_FAILURES_PER_IP,
  duration: block,
  blockDuration: block,
});
const signUpsPerIp = postgresLimiter({
  keyPrefix: "signup:ip",
  points: env.SIGNUP_MAX_PER_IP_PER_HOUR,
  duration: 3600,
});

/** Consumes one point from each limiter; returns the longest wait (ms) when any budget is spent. */
async function take(...attempts: Promise<RateLimiterRes>[]) {
  let wait = 0;
  for (const r of await Promise.allSettled(attempts)) {
    if (r.status === "fulfilled") continue;
    if (r.reason instanceof RateLimiterRes) wait = Math.max(wait, r.reason.msBeforeNext || 1);
    else throw r.reason; // the store failed: refuse loudly rather than let guesses through
  }
  return wait;
}

/** Milliseconds until this email/IP may try again; 0 when the attempt may go ahead. */
export function takeSignInAttempt(email: string, ip: string) {
  return take(perAccount.consume(email), perIp.consume(ip));
}

export async function signInSucceeded(email: string, ip: string) {
  await Promise.all([perAccount.delete(email), perIp.reward(ip, 1)]);
}

/** Milliseconds until this IP may create another account; 0 when it may. */
export function takeSignUpAttempt(ip: string) {
  return take(signUpsPerIp.consume(ip));
}

/** A reset password starts with a clean slate: failures counted against the account are dropped. */
export async function clearSignInFailures(email: string) {
  await perAccount.delete(email);
}
