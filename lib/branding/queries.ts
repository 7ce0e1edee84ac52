import "server-only";
import { cache } from "react";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { brandFromEnv, mergeBrand, type Brand } from "./theme";

/** The brand for this request: environment defaults with the admin's saved settings on top. */
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
  return mergeBrand(brandFromEnv(env), await client.brandSettings.findUnique({ where: { id: "default" } }));
}
