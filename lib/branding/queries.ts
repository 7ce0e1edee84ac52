import "server-only";
import { cache } from "react";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { assertRole, type Actor } from "@/lib/auth/permissions";
import type { BrandChange } from "./schemas";
import { DEFAULT_BRAND_SETTINGS_ID, storedSettingsOf } from "./stored";
import { brandFromEnv, mergeBrand, type Brand } from "./theme";

/**
 * The brand for this request: environment defaults with the admin's saved settings on top. Cached for
 * one request only (React's cache), so a save in the console shows on the very next request everywhere.
 */
export const getBrand = cache(async (): Promise<Brand> => {
  try {
    return await brandFrom(db);
  } catch (err) {
    // The brand must never take a page down: fall back to the configured defaults.
    logger.warn({ err }, "brand settings unavailable; using defaults");
    return brandFromEnv(env);
  }
});

/**
 * The brand read through a given client. Inside a transaction pass the transaction: the read then
 * uses the connection already held instead of waiting for a second one (pool exhaustion under load),
 * and a failure aborts the transaction as it must.
 */
export async function brandFrom(client: Pick<typeof db, "brandSettings">): Promise<Brand> {
  return mergeBrand(
    brandFromEnv(env),
    await client.brandSettings.findUnique({ where: { id: DEFAULT_BRAND_SETTINGS_ID } }),
  );
}

/** The brand console's data (admins only, checked here): the stored settings, the brand in force and every version. */
export async function getBrandConsole(actor: Actor) {
  assertRole(actor, ["admin"]);
  const [row, versions] = await Promise.all([
    db.brandSettings.findUnique({ where: { id: DEFAULT_BRAND_SETTINGS_ID } }),
    db.brandVersion.findMany({
      where: { brandSettingsId: DEFAULT_BRAND_SETTINGS_ID },
      orderBy: { number: "desc" },
      take: 200,
    }),
  ]);
  const defaults = brandFromEnv(env);
  return {
    stored: storedSettingsOf(row),
    brand: mergeBrand(defaults, row),
    defaults,
    versions: versions.map((v) => ({
      id: v.id,
      number: v.number,
      createdAt: v.createdAt,
      actorEmail: v.actorEmail,
      restoredFromNumber: v.restoredFromNumber,
      changes: Array.isArray(v.changes) ? (v.changes as BrandChange[]) : [],
    })),
  };
}
