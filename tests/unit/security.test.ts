import { describe, expect, it } from "vitest";
import { z } from "zod";
import { brandStyleSheet, type Brand } from "@/lib/branding/theme";
import { ipRateLimitKey } from "@/lib/ip";
import { controlCharacterErrors, multiLine, singleLine } from "@/lib/schemas/text";
import { isCrossOriginRequest } from "@/lib/security/origin";
import { contentSecurityPolicy, isRoomPage, securityHeaders } from "@/lib/security/headers";

describe("text schemas", () => {
  const s = z.object({ name: singleLine().trim().max(10), bio: multiLine().trim() });
  const errors = (v: unknown) => {
    const r = s.safeParse(v);
    return r.success ? null : z.flattenError(r.error).fieldErrors;
  };
  it("refuse NUL and the other C0 controls and DEL, naming the field", () => {
    for (const c of ["\u0000", "\u0001", "\u0008", "\u000b", "\u000c", "\u001b", "\u001f", "\u007f"]) {
      expect(errors({ name: `a${c}b`, bio: "" })?.name?.[0], JSON.stringify(c)).toMatch(/control characters/);
      expect(errors({ name: "ok", bio: `a${c}b` })?.bio?.[0], JSON.stringify(c)).toMatch(/control characters/);
    }
  });
  it("allow tab and newline only in multi-line text, and store CRLF as LF", () => {
    expect(errors({ name: "a\tb", bio: "" })?.name).toBeTruthy();
    expect(errors({ name: "a\nb", bio: "" })?.name).toBeTruthy();
    expect(s.parse({ name: "Ann", bio: "one\r\ntwo\tthree\rfour" })).toEqual({
      name: "Ann",
      bio: "one\ntwo\tthree\nfour",
    });
  });
  it("the form and path pre-check finds the field", () => {
    expect(
      controlCharacterErrors([
        ["a", "fine\r\n\t"],
        ["b", "x\u0000"],
      ]),
    ).toEqual({ b: [expect.any(String)] });
    expect(controlCharacterErrors([["a", "fine"]])).toBeNull();
  });
});

describe("per-IP rate-limit keys", () => {
  it("an IPv6 address counts as its /64; IPv4 and IPv4-mapped IPv6 as the IPv4 address", () => {
    expect(ipRateLimitKey("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(ipRateLimitKey("2001:0DB8:0001:0002:ffff::1")).toBe("2001:db8:1:2::/64");
    expect(ipRateLimitKey("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(ipRateLimitKey("192.0.2.7")).toBe("192.0.2.7");
    expect(ipRateLimitKey("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(ipRateLimitKey("::ffff:c000:207")).toBe("192.0.2.7");
    expect(ipRateLimitKey("[2001:db8::1]:443")).toBe("2001:db8::/64");
    expect(ipRateLimitKey("192.0.2.7:5123")).toBe("192.0.2.7");
    expect(ipRateLimitKey("not an address")).toBe("unknown");
  });
});

describe("same-origin check", () => {
  const app = "https://booth.example";
  const h = (o: Record<string, string>) => new Headers({ host: "booth.example", ...o });
  it("refuses another origin, a null origin and a cross-site fetch; allows ours and non-browser clients", () => {
    expect(isCrossOriginRequest(h({ origin: "https://evil.example" }), app)).toBe(true);
    expect(isCrossOriginRequest(h({ origin: "https://booth.example.evil.example" }), app)).toBe(true);
    expect(isCrossOriginRequest(h({ origin: "null" }), app)).toBe(true);
    expect(isCrossOriginRequest(h({ "sec-fetch-site": "cross-site" }), app)).toBe(true);
    expect(isCrossOriginRequest(h({ origin: "https://booth.example" }), app)).toBe(false);
    expect(isCrossOriginRequest(h({ "sec-fetch-site": "same-origin" }), app)).toBe(false);
    expect(isCrossOriginRequest(h({}), app)).toBe(false);
    // The same app by its Host (a second name behind the same proxy).
    const other = new Headers({ host: "preview.booth.example", origin: "https://preview.booth.example" });
    expect(isCrossOriginRequest(other, app)).toBe(false);
  });
});

describe("security headers", () => {
  const ctx = {
    nonce: "bm9uY2Vub25jZW5vbmNl",
    pathname: "/",
    livekitUrl: "wss://media.example.com/rtc",
    appUrl: "https://booth.example",
    nodeEnv: "production" as const,
  };
  it("HSTS only in production on an https APP_URL", () => {
    expect(securityHeaders(ctx)["Strict-Transport-Security"]).toBe("max-age=63072000; includeSubDomains");
    expect(securityHeaders({ ...ctx, appUrl: "http://127.0.0.1:3000" })["Strict-Transport-Security"]).toBeUndefined();
    expect(securityHeaders({ ...ctx, nodeEnv: "development" })["Strict-Transport-Security"]).toBeUndefined();
  });
  it("camera, microphone and screen capture only on the room page", () => {
    expect(isRoomPage("/sessions/abc")).toBe(true);
    expect(isRoomPage("/sessions/abc/extra")).toBe(false);
    expect(isRoomPage("/shows/abc/room")).toBe(true);
    expect(isRoomPage("/shows/abc")).toBe(false);
    expect(isRoomPage("/dev/reference-room")).toBe(true);
    expect(isRoomPage("/dev/reference-room/x")).toBe(false);
    expect(securityHeaders({ ...ctx, pathname: "/sessions/abc" })["Permissions-Policy"]).toMatch(
      /^camera=\(self\), microphone=\(self\), display-capture=\(self\)/,
    );
    expect(securityHeaders(ctx)["Permissions-Policy"]).toMatch(/^camera=\(\), microphone=\(\), display-capture=\(\)/);
  });
  it("the CSP: nonce'd scripts, livekit-server's origin for connect, eval only in next dev", () => {
    const csp = contentSecurityPolicy(ctx);
    expect(csp).toContain("script-src 'self' 'nonce-bm9uY2Vub25jZW5vbmNl' 'strict-dynamic';");
    expect(csp).toContain("style-src 'self' 'nonce-bm9uY2Vub25jZW5vbmNl';");
    expect(csp).toContain(
      "connect-src 'self' ws://media.example.com wss://media.example.com http://media.example.com https://media.example.com;",
    );
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("upgrade-insecure-requests");
    expect(contentSecurityPolicy({ ...ctx, nodeEnv: "development" })).toContain("'unsafe-eval'");
  });
  it("the brand style sheet carries only #rrggbb colours", () => {
    const brand = { primaryColor: "#112233", accentColor: "red;}</style><script>x()</script>" } as Brand;
    const css = brandStyleSheet(brand);
    expect(css).toMatch(/^:root\{--brand-primary:#112233;--brand-on-primary:#ffffff;/);
    expect(css).not.toMatch(/<|red|script/);
  });
});
