import "server-only";
import { cache } from "react";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { brandFromEnv, mergeBrand, type Brand } from "./theme";

/** The brand for this request: environment defaults with the admin's saved settings on top. */
export const getBrand = cache(async (): Promise<Brand> => {
  const defaults = brandFromEnv(env);
  try {
    const row = await db.brandSettings.findUnique({ where: { id: "default" } });
    return mergeBrand(defaults, row);
  } catch (err) {
    // The brand must never take a page down: fall back to the configured defaults.
    logger.warn({ err }, "brand settings unavailable; using defaults");
    return defaults;
  }
});
