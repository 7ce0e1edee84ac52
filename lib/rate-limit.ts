import "server-only";
import pg from "pg";
import { RateLimiterPostgres } from "rate-limiter-flexible";
import { env } from "@/lib/env";

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
