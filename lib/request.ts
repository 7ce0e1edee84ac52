import "server-only";
import { headers } from "next/headers";
import { logger } from "@/lib/logger";

export const REQUEST_ID_HEADER = "x-request-id";

/** A logger carrying the request id that proxy.ts put on the request (or a fresh one). */
export async function requestLogger(extra: Record<string, unknown> = {}) {
  const h = await headers();
  return logger.child({ requestId: h.get(REQUEST_ID_HEADER) ?? crypto.randomUUID(), ...extra });
}

/** A logger for a route handler, carrying the request id and the route. */
export function routeLogger(req: Request, route: string) {
  return logger.child({ requestId: req.headers.get(REQUEST_ID_HEADER) ?? crypto.randomUUID(), route });
}

/**
 * The caller's IP for rate limiting.
 * SECURITY: x-forwarded-for is trusted; production must run behind a proxy that overwrites it.
 */
export function clientIp(h: Headers) {
  return h.get("x-forwarded-for")?.split(",")[0]?.trim() || h.get("x-real-ip") || "unknown";
}
