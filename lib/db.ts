import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";

export type Db = PrismaClient;

/**
 * Interactive transactions wait up to 10 s for a pooled connection and may run 15 s (Prisma's defaults, 2 s
 * and 5 s, turn a burst of buyers on a busy machine into 500s instead of a short wait and a clear answer).
 */
export const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;

export function createDb(connectionString: string) {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString }), transactionOptions: TRANSACTION_OPTIONS });
}

// One client per process, kept across hot reloads in development.
const g = globalThis as unknown as { boothDb?: PrismaClient };
export const db: PrismaClient = g.boothDb ?? createDb(env.DATABASE_URL);
if (env.NODE_ENV !== "production") g.boothDb = db;
