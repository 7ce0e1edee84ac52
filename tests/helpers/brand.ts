import pg from "pg";
import type { Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { restoreBrandVersion } from "@/lib/branding/service";
import { DEFAULT_BRAND_ID as DEFAULT_BRAND_SETTINGS_ID } from "@/lib/branding/theme";

/**
 * The brand is global: every page, email and checkout reads it. Test files run at the same time, so a
 * test that changes the brand holds this PostgreSQL advisory lock exclusively ("change") for as long as
 * its brand is in force, and a test whose expectations depend on the brand in force holds it shared
 * ("read"). Readers run together; a change waits for them and they wait for it.
 */
const BRAND_LOCK = 731_013;

export async function withBrandLock<T>(mode: "read" | "change", fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(mode === "change" ? "SELECT pg_advisory_lock($1)" : "SELECT pg_advisory_lock_shared($1)", [
      BRAND_LOCK,
    ]);
    return await fn();
  } finally {
    await client.end().catch(() => {}); // ending the session lets go of the lock
  }
}

/** The number of the brand version in force now (null: never saved; the first save records it as version 1). */
export async function currentBrandVersion(): Promise<number | null> {
  const last = await db.brandVersion.findFirst({
    where: { brandSettingsId: DEFAULT_BRAND_SETTINGS_ID },
    orderBy: { number: "desc" },
  });
  return last?.number ?? null;
}

/** Puts back the brand that was in force when `before` was taken (a test's finally). */
export async function restoreBrand(admin: Actor, before: number | null) {
  const version = await db.brandVersion.findFirst({
    where: { brandSettingsId: DEFAULT_BRAND_SETTINGS_ID, number: before ?? 1 },
  });
  if (version) await restoreBrandVersion(admin, { versionId: version.id });
}
