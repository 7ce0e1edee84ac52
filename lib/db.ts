import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";

export type Db = PrismaClient;

export function createDb(connectionString: string) {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
}

// One client per process, kept across hot reloads in development.
const g = globalThis as unknown as { boothDb?: PrismaClient };
export const db: PrismaClient = g.boothDb ?? createDb(env.DATABASE_URL);
if (env.NODE_ENV !== "production") g.boothDb = db;
