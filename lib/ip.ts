import ipaddr from "ipaddr.js";

/**
 * The key a per-IP limit counts by. One person easily holds a whole IPv6 /64 (every home and phone
 * network is given one, and any address in it is theirs to use), so counting single IPv6 addresses would
 * give them 2^64 budgets: an IPv6 address counts as its /64 ("2001:db8:1:2::/64"). An IPv4 address counts
 * as itself, and so does an IPv4-mapped IPv6 address ("::ffff:192.0.2.7", what a dual-stack socket
 * reports for an IPv4 client), so one client has one budget whichever way it is written. Ports and
 * brackets some proxies add ("[2001:db8::1]:443", "192.0.2.7:5123") are dropped. Anything that is not
 * an address shares the single key "unknown" (stricter, not looser).
 * Pure: unit-tested, and used by lib/request.ts#clientIp, the one place every per-IP limit reads.
 */
export function ipRateLimitKey(raw: string): string {
  const address = stripPort(raw.trim());
  if (!ipaddr.isValid(address)) return "unknown";
  const ip = ipaddr.process(address); // IPv4-mapped IPv6 becomes the IPv4 address
  if (ip.kind() === "ipv4") return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toRFC5952String()}/64`;
}

function stripPort(s: string) {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) return bracketed[1]!;
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(s);
  return v4WithPort ? v4WithPort[1]! : s;
}
