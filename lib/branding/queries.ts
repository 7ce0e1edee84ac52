import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { assertRole, type Actor } from "@/lib/auth/permissions";
import { requestHost } from "./host";
import type { BrandChange } from "./schemas";
import { storedSettingsOf } from "./stored";
import { type Brand, brandFromEnv, DEFAULT_BRAND_ID, mergeBrand } from "./theme";

/**
 * The brand this request was sent to: the one whose brand_domains lists the request's host, or the
 * default brand for any other host. Cached for one request (React's cache).
 */
export const getRequestBrandId = cache(async (): Promise<string> => {
  let h: Awaited<ReturnType<typeof headers>>;
  try {
    h = await headers();
  } catch {
    // Not inside a request (a script, a sweep, a test calling a page's loader): the default brand.
    return DEFAULT_BRAND_ID;
  }
  return brandIdOfRequest(h);
});

/** The brand of a request with these headers (for next-auth's callbacks, which are handed the request). */
export async function brandIdOfRequest(h: Pick<Headers, "get">): Promise<string> {
  const host = requestHost(h);
  if (!host) return DEFAULT_BRAND_ID;
  try {
    return (await brandIdForHost(host)) ?? DEFAULT_BRAND_ID;
  } catch (err) {
    logger.warn({ err }, "brand domains unavailable; using the default brand");
    return DEFAULT_BRAND_ID;
  }
}

/** The brand a host serves, or null when no brand lists it. */
export async function brandIdForHost(host: string): Promise<string | null> {
  const row = await db.brandDomain.findUnique({ where: { host }, select: { brandId: true } });
  return row?.brandId ?? null;
}

/**
 * The brand for this request: environment defaults with its admins' saved settings on top. Cached for
 * one request only (React's cache), so a save in the console shows on the very next request everywhere.
 */
export const getBrand = cache(async (): Promise<Brand> => {
  const id = await getRequestBrandId();
  try {
    return await brandFrom(db, id);
  } catch (err) {
    // The brand must never take a page down: fall back to the configured defaults.
    logger.warn({ err }, "brand settings unavailable; using defaults");
    return { ...brandFromEnv(env), id };
  }
});

/**
 * A brand by id, read through a given client. Inside a transaction pass the transaction: the read then
 * uses the connection already held instead of waiting for a second one (pool exhaustion under load),
 * and a failure aborts the transaction as it must. Mail and checkouts take the brand of the people they
 * are for (their account's brandId), never the request's host: a webhook or the outbox has none.
 */
export async function brandFrom(client: Pick<typeof db, "brand">, brandId: string): Promise<Brand> {
  const row = await client.brand.findUnique({ where: { id: brandId }, select: { url: true, settings: true } });
  return brandOf(brandId, row?.url ?? null, row?.settings ?? null);
}

/** A brand from its stored parts (pure): the environment's defaults, the settings row on top, its address. */
export function brandOf(brandId: string, url: string | null, settings: Parameters<typeof mergeBrand>[1]): Brand {
  const merged = mergeBrand(brandFromEnv(env), settings);
  return { ...merged, id: brandId, url: url ? url.replace(/\/+$/, "") : merged.url };
}

/** The brand console's data (the actor's own brand; admins only, checked here): stored settings, brand in force, versions. */
export async function getBrandConsole(actor: Actor) {
  assertRole(actor, ["admin"]);
  const brandId = actor.brandId;
  const [brand, versions] = await Promise.all([
    db.brand.findUnique({ where: { id: brandId }, select: { url: true, settings: true } }),
    db.brandVersion.findMany({ where: { brandSettingsId: brandId }, orderBy: { number: "desc" }, take: 200 }),
  ]);
  const row = brand?.settings ?? null;
  const defaults = brandFromEnv(env);
  return {
    stored: storedSettingsOf(row),
    brand: brandOf(brandId, brand?.url ?? null, row),
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

/** Brands by id through one client, each read once (a sweep mailing people of several brands). */
export function brandLoader(client: Pick<typeof db, "brand">): (brandId: string) => Promise<Brand> {
  const seen = new Map<string, Promise<Brand>>();
  return (brandId) => {
    let brand = seen.get(brandId);
    if (!brand) seen.set(brandId, (brand = brandFrom(client, brandId)));
    return brand;
  };
}
