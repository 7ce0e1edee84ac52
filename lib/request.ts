import "server-only";
import { headers } from "next/headers";
import { ipRateLimitKey } from "@/lib/ip";

export const REQUEST_ID_HEADER = "x-request-id";

/** The id proxy.ts put on the request, or a fresh one. */
export function requestIdOf(h: Headers) {
  return h.get(REQUEST_ID_HEADER) ?? crypto.randomUUID();
}

export async function currentRequestId() {
  return requestIdOf(await headers());
}

/**
 * The caller's IP for rate limiting, as the key every per-IP limit counts by (lib/ip.ts: an IPv6
 * address counts as its /64, an IPv4-mapped one as the IPv4 address). X-Forwarded-For is only as honest as the proxies that append to
 * it: with TRUSTED_PROXY_HOPS = n we take the n-th address from the right (what the outermost of
 * our own proxies saw). With 0 we take the rightmost, which Next.js fills from the socket when the
 * client sent none. SECURITY: in production set TRUSTED_PROXY_HOPS to the number of proxies in front.
 */
export function clientIp(h: Headers, trustedHops = Number(process.env.TRUSTED_PROXY_HOPS ?? 0)) {
  const chain = (h.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const index = chain.length - Math.max(1, trustedHops);
  return ipRateLimitKey(chain[Math.max(0, index)] ?? h.get("x-real-ip") ?? "unknown");
}
