import "server-only";
import pg from "pg";
import { RateLimiterPostgres, type RateLimiterRes } from "rate-limiter-flexible";
import { env } from "@/lib/env";

/**
 * Sign-in throttling, stored in PostgreSQL (table rate_limits) so it holds across app servers
 * and restarts. Failures count per account and per IP; a success clears the account's count.
 */
const g = globalThis as unknown as { boothLimiterPool?: pg.Pool };
const pool = (g.boothLimiterPool ??= new pg.Pool({ connectionString: env.DATABASE_URL, max: 3 }));

const common = { storeClient: pool, storeType: "pool", tableName: "rate_limits", tableCreated: true, duration: env.SIGNIN_BLOCK_MINUTES * 60 };
const perAccount = new RateLimiterPostgres({ ...common, keyPrefix: "signin:account", points: env.SIGNIN_MAX_FAILURES_PER_ACCOUNT });
const perIp = new RateLimiterPostgres({ ...common, keyPrefix: "signin:ip", points: env.SIGNIN_MAX_FAILURES_PER_IP });

function blockedMs(res: RateLimiterRes | null, points: number) {
  return res && res.consumedPoints >= points ? res.msBeforeNext : 0;
}

/** Milliseconds until this email/IP may try again; 0 when not blocked. */
export async function signInBlockedFor(email: string, ip: string) {
  const [a, i] = await Promise.all([perAccount.get(email), perIp.get(ip)]);
  return Math.max(blockedMs(a, env.SIGNIN_MAX_FAILURES_PER_ACCOUNT), blockedMs(i, env.SIGNIN_MAX_FAILURES_PER_IP));
}

export async function recordSignInFailure(email: string, ip: string) {
  // consume() rejects once the budget is spent; that is the state we are recording, not an error.
  await Promise.allSettled([perAccount.consume(email), perIp.consume(ip)]);
}

export async function clearSignInFailures(email: string) {
  await perAccount.delete(email);
}
