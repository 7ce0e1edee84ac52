/**
 * The host a request was sent to, as brand_domains stores it: lower case, no port, no trailing dot.
 * Pure (unit-tested). Only the Host header counts, never X-Forwarded-Host: many proxies pass a client's
 * X-Forwarded-Host through untouched, which would let a client pick another brand's look and accounts on
 * any host. A proxy in front must keep the Host (nginx: `proxy_set_header Host $host`; README, Production).
 */
export function requestHost(h: Pick<Headers, "get">): string | null {
  return normalizeHost(h.get("host") ?? "");
}

/** "Studio.Example.com:3000." → "studio.example.com"; "[::1]:3000" → "::1"; anything else that is no host: null. */
export function normalizeHost(raw: string): string | null {
  let host = raw.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d+)?$/.exec(host);
  if (bracketed) return bracketed[1]!;
  host = host.replace(/:\d+$/, "").replace(/\.$/, "");
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host) && host.length <= 253
    ? host
    : null;
}
