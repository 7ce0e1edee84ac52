/**
 * The host a request was sent to, as brand_domains stores it: lower case, no port, no trailing dot.
 * Pure (unit-tested). X-Forwarded-Host counts only behind proxies of our own (TRUSTED_PROXY_HOPS > 0), as
 * X-Forwarded-For does in lib/request.ts: a client cannot pick another brand's look by sending the header.
 */
export function requestHost(h: Pick<Headers, "get">, trustedHops: number): string | null {
  const forwarded = trustedHops > 0 ? h.get("x-forwarded-host")?.split(",")[0] : undefined;
  return normalizeHost(forwarded ?? h.get("host") ?? "");
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
