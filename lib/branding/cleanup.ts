import "server-only";
import { db } from "@/lib/db";
import { logger } from "@/lib/logger";
import { storage } from "@/lib/storage";

/** An uploaded image waits this long for the save that uses it before it counts as abandoned. */
export const UNUSED_ASSET_GRACE_MS = 24 * 3600_000;

/**
 * Deletes stored brand images that no version of the brand refers to (uploaded in the console and never
 * saved), once they are older than a day. Images any version names are kept: a restore brings them back.
 * Returns how many were deleted. Safe in every replica at once (a second delete is a no-op).
 */
export async function sweepUnusedBrandAssets(now = new Date()) {
  const store = storage();
  const objects = await store.list("brand/");
  if (!objects.length) return 0;
  // The keys the settings in force and every saved version name (read from the JSON, not the whole texts).
  const rows = await db.$queryRaw<{ key: string | null }[]>`
    SELECT "logoKey" AS key FROM brand_settings UNION SELECT "faviconKey" FROM brand_settings
    UNION SELECT settings->>'logoKey' FROM brand_versions UNION SELECT settings->>'faviconKey' FROM brand_versions`;
  const used = new Set(rows.flatMap((r) => (r.key ? [r.key] : [])));
  let deleted = 0;
  for (const o of objects) {
    if (used.has(o.key) || now.getTime() - o.modifiedAt.getTime() < UNUSED_ASSET_GRACE_MS) continue;
    await store.delete(o.key);
    deleted++;
  }
  if (deleted) logger.info({ module: "branding", deleted }, "deleted brand images no version uses");
  return deleted;
}
