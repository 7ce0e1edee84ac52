import "server-only";
import pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";

const g = globalThis as unknown as { boothLimiterPool?: pg.Pool };

/**
 * A rate limiter kept in PostgreSQL (table rate_limits, via rate-limiter-flexible), so a budget holds
 * across app servers and restarts. Every limiter shares one small pool.
 */
export function postgresLimiter(opts: { keyPrefix: string; points: number; duration: number; blockDuration?: number }) {
  const pool = (g.boothLimiterPool ??= new pg.Pool({ connectionString: env.DATABASE_URL, max: 3 }));
  return new RateLimiterPostgres({
    storeClient: pool,
    storeType: "pool",
    tableName: "rate_limits",
    tableCreated: true,
    ...opts,
  });
}

/**
 * Every per-user budget of a state-changing action that creates rows, in one place (README: "Limits"):
 * each is `points` per `seconds`, kept in PostgreSQL like the sign-in limits. Sign-in and sign-up keep
 * their own per-account and per-IP limiters (lib/auth/rate-limit.ts).
 */
export const budgets = {
  checkout: { points: () => env.CHECKOUTS_MAX_PER_HOUR, seconds: 3600, what: "checkouts started" },
  cancellation: { points: () => env.CANCELLATIONS_MAX_PER_HOUR, seconds: 3600, what: "cancellations" },
  reschedule: { points: () => 10, seconds: 3600, what: "bookings moved" },
  application: { points: () => 5, seconds: 86_400, what: "creator applications" },
  offering: { points: () => 30, seconds: 3600, what: "new offerings or blocked days" },
  adminAction: { points: () => 120, seconds: 60, what: "admin actions" },
  chat: { points: () => 20, seconds: 60, what: "chat messages" },
  stage: { points: () => 20, seconds: 60, what: "hand raises and stage changes" },
  tip: { points: () => 10, seconds: 3600, what: "tips started" },
  sessionToken: { points: () => env.SESSION_TOKEN_MAX_PER_MINUTE, seconds: 60, what: "requests to join this session" },
  diagnostics: { points: () => env.DIAGNOSTICS_MAX_BATCHES_PER_MINUTE, seconds: 60, what: "diagnostics reports" },
  passwordResetIp: { points: () => 10, seconds: 3600, what: "password reset requests from your network" },
  /** Spent silently (the answer must not differ by account): a 4th request in the hour mails nothing. */
  passwordResetAccount: { points: () => 3, seconds: 3600, what: "password reset emails for this account" },
  verificationEmail: { points: () => 3, seconds: 3600, what: "confirmation emails" },
  report: { points: () => 10, seconds: 3600, what: "reports" },
  passwordChange: { points: () => 5, seconds: 3600, what: "password changes" },
  emailChange: { points: () => 3, seconds: 3600, what: "email address changes" },
  twoFactorCode: { points: () => 5, seconds: 3600, what: "two-step sign-in codes" },
  verification: { points: () => 5, seconds: 86_400, what: "identity document uploads" },
} as const;
export type BudgetName = keyof typeof budgets;

const limiters: Partial<Record<BudgetName, RateLimiterPostgres>> = {};

function limiterFor(name: BudgetName) {
  const b = budgets[name];
  return (limiters[name] ??= postgresLimiter({ keyPrefix: `budget-${name}`, points: b.points(), duration: b.seconds }));
}

/** Spends one point of `name`'s budget for `key` if any is left: true when it was, false (and no error) when not. */
export async function tryBudget(name: BudgetName, key: string) {
  try {
    await limiterFor(name).consume(key);
    return true;
  } catch (err) {
    if (err instanceof RateLimiterRes) return false;
    throw err;
  }
}

/**
 * Spends one point of `name`'s budget for `key` (a user id, or user and session), or refuses with 429 and
 * when to try again, in words and as details.retryAfterSeconds.
 */
export async function takeBudget(name: BudgetName, key: string) {
  try {
    await limiterFor(name).consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw budgetRefusal(name, err.msBeforeNext);
    throw err;
  }
}

/** The 429 of a spent budget, with when to try again in words and as details.retryAfterSeconds. */
function budgetRefusal(name: BudgetName, msBeforeNext: number) {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError(
    "rate_limited",
    `Too many ${budgets[name].what}; try again in ${waitWords(seconds)}.`,
  ).withDetails({ retryAfterSeconds: seconds });
}

/**
 * takeBudget as part of a larger SQL statement, for a hot path that writes its rows in the same round trip:
 * `sql` is the very upsert rate-limiter-flexible runs (same table, key and fixed window, so both share one
 * budget), meant for a `WITH spent AS (…)` that yields `points` and `expire`; the statement writes its rows
 * only when `points <= max`. `refusal` then turns what `spent` returned into the same 429 as takeBudget, or
 * null when the point was within the budget.
 */
export function budgetSpendSql(name: BudgetName, key: string, nowMs = Date.now()) {
  const b = budgets[name];
  const expire = nowMs + b.seconds * 1000;
  return {
    max: b.points(),
    sql: Prisma.sql`INSERT INTO rate_limits (key, points, expire) VALUES (${`budget-${name}:${key}`}, 1, ${expire}::bigint)
      ON CONFLICT (key) DO UPDATE SET
        points = CASE WHEN rate_limits.expire <= ${nowMs}::bigint THEN 1 ELSE rate_limits.points + 1 END,
        expire = CASE WHEN rate_limits.expire <= ${nowMs}::bigint THEN ${expire}::bigint ELSE rate_limits.expire END
      RETURNING points, expire`,
    refusal: (spent: { points: number; expire: bigint | number | null }) =>
      spent.points > b.points() ? budgetRefusal(name, Number(spent.expire ?? expire) - nowMs) : null,
  };
}

/** "45 s", "12 min", "2 h" */
export function waitWords(seconds: number) {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 90 * 60) return `${Math.ceil(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
