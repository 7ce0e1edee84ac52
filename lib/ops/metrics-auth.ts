import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * The scrape must carry `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time). Without a
 * configured token the endpoint does not exist (404), so a deployment never exposes it by accident.
 */
export function assertMetricsCaller(authorization: string | null) {
  const token = env.METRICS_TOKEN;
  if (!token) throw new AppError("not_found", "Metrics are turned off: set METRICS_TOKEN to turn them on.");
  const given = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1]?.trim() ?? "";
  if (!given || !timingSafeEqual(digest(given), digest(token))) {
    throw new AppError("unauthorized", "Send the metrics token as `Authorization: Bearer <token>`.");
  }
}
