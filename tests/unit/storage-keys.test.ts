import { describe, expect, it } from "vitest";
import { assertStorageKey, contentTypeFor, isStorageKey, parseRange } from "@/lib/storage/keys";
import { signGrant, verifyGrant } from "@/lib/storage/signed";

describe("storage keys", () => {
  it("accepts Booth's own key shapes", () => {
    for (const k of ["brands/default/logo-3f2a.png", "recordings/2026/12/eg_abc.ogg", "a"])
      expect(isStorageKey(k)).toBe(true);
  });

  it("refuses anything that could leave the storage root or name another prefix", () => {
    for (const k of [
      "",
      "../etc/passwd",
      "brands/../../x",
      "brands/./x",
      "/absolute",
      "trailing/",
      "a//b",
      "a\\b",
      "UPPER/case",
      "a/..hidden",
      "a/b..c",
      "%2e%2e/x",
      "a/\u0000b",
      "a/b c",
      "x".repeat(513),
    ])
      expect(() => assertStorageKey(k), k).toThrow(/Invalid storage key/);
  });

  it("derives the content type from the extension", () => {
    expect(contentTypeFor("x/logo.PNG")).toBe("image/png");
    expect(contentTypeFor("x/rec.ogg")).toBe("audio/ogg");
    expect(contentTypeFor("x/noext")).toBe("application/octet-stream");
  });
});

describe("byte ranges", () => {
  it("parses single ranges, suffixes and open ends", () => {
    expect(parseRange("bytes=0-9", 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange("bytes=90-", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=-10", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=50-1000", 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange("bytes=-1000", 100)).toEqual({ start: 0, end: 99 });
  });

  it("answers unsatisfiable past the end, and ignores what is not a single bytes range", () => {
    expect(parseRange("bytes=100-", 100)).toBe("unsatisfiable");
    expect(parseRange("bytes=9-3", 100)).toBe("unsatisfiable");
    expect(parseRange("bytes=-0", 100)).toBe("unsatisfiable");
    expect(parseRange(null, 100)).toBeNull();
    expect(parseRange("items=0-1", 100)).toBeNull();
    expect(parseRange("bytes=0-1,5-6", 100)).toBeNull();
  });
});

describe("signed links", () => {
  const secret = "s".repeat(40);
  const grant = { resource: "recording:abc", userId: "u1", expires: 2000 };

  it("verifies its own signature until it expires", () => {
    const sig = signGrant(secret, grant);
    expect(verifyGrant(secret, grant, sig, 1999)).toEqual({ ok: true });
    expect(verifyGrant(secret, grant, sig, 2001)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses an altered resource, user, expiry or signature, and another secret", () => {
    const sig = signGrant(secret, grant);
    expect(verifyGrant(secret, { ...grant, resource: "recording:abd" }, sig, 0).ok).toBe(false);
    expect(verifyGrant(secret, { ...grant, userId: "u2" }, sig, 0).ok).toBe(false);
    expect(verifyGrant(secret, { ...grant, expires: 9999 }, sig, 0).ok).toBe(false);
    expect(verifyGrant(secret, grant, `${sig.slice(0, -1)}A`, 0).ok).toBe(sig.endsWith("A"));
    expect(verifyGrant("t".repeat(40), grant, sig, 0).ok).toBe(false);
  });
});
