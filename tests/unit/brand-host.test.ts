import { describe, expect, it } from "vitest";
import { normalizeHost, requestHost } from "@/lib/branding/host";

describe("the host that picks a brand", () => {
  it("is the Host header, lower case, without port or trailing dot; anything that is no host name is none", () => {
    expect(normalizeHost("Live.Example.COM:3000")).toBe("live.example.com");
    expect(normalizeHost("live.example.com.")).toBe("live.example.com");
    expect(normalizeHost("[::1]:3000")).toBe("::1");
    expect(normalizeHost("127.0.0.1:40381")).toBe("127.0.0.1");
    for (const bad of ["", "exa mple.com", "-bad.example.com", "evil.com/path", "a..b", `${"a".repeat(254)}`])
      expect(normalizeHost(bad), bad).toBeNull();
  });

  it("ignores X-Forwarded-Host, which a client can send through many proxies", () => {
    const h = new Headers({ host: "nightowl.localhost:3000", "x-forwarded-host": "other-brand.example.com" });
    expect(requestHost(h)).toBe("nightowl.localhost");
  });
});
