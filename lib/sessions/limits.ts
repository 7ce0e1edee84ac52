import "server-only";
import { RateLimiterRes, type RateLimiterPostgres } from "rate-limiter-flexible";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { postgresLimiter } from "@/lib/rate-limit";

/**
 * Per-participant budgets for the session endpoints, stored in PostgreSQL (table rate_limits) so they
 * hold across app servers: join tokens (each writes a connection row and a trace event) and client
 * diagnostics batches.
 */
const limiters: Partial<Record<"token" | "diagnostics", RateLimiterPostgres>> = {};

function limiter(name: "token" | "diagnostics", points: number) {
  return (limiters[name] ??= postgresLimiter({ keyPrefix: `session-${name}`, points, duration: 60 }));
}

async function take(name: "token" | "diagnostics", points: number, key: string, what: string) {
  try {
    await limiter(name, points).consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes) {
      const seconds = Math.ceil(err.msBeforeNext / 1000);
      throw new AppError("rate_limited", `Too many ${what}; wait ${seconds} s.`).withDetails({
        retryAfterSeconds: seconds,
      });
    }
    throw err;
  }
}

export const takeToken = (userId: string, bookingId: string) =>
  take("token", env.SESSION_TOKEN_MAX_PER_MINUTE, `${userId}:${bookingId}`, "requests to join this session");
export const takeDiagnostics = (userId: string, bookingId: string) =>
  take("diagnostics", env.DIAGNOSTICS_MAX_BATCHES_PER_MINUTE, `${userId}:${bookingId}`, "diagnostics reports");
