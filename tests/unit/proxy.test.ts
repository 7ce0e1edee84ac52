import { describe, expect, it } from "vitest";
import { config } from "@/proxy";

describe("proxy matcher", () => {
  // Next.js matchers are anchored path regexes; this one is plain enough to test as such.
  const matches = (path: string) => config.matcher.some((m) => new RegExp(`^${m}$`).test(path));

  it("runs on pages and API routes", () => {
    expect(matches("/dashboard")).toBe(true);
    expect(matches("/api/health")).toBe(true);
    expect(matches("/")).toBe(true);
  });

  it("never runs on Next.js internals (on the dev HMR socket it reloads every page in a loop)", () => {
    expect(matches("/_next/hmr")).toBe(false);
    expect(matches("/_next/static/chunks/app.js")).toBe(false);
    expect(matches("/_next/image")).toBe(false);
  });

  it("never buffers the verification upload (two identity files); its neighbours still pass through", () => {
    expect(matches("/api/verification")).toBe(false);
    expect(matches("/api/verification/x")).toBe(true);
    expect(matches("/api/admin/verifications/c1/document")).toBe(true);
  });
});
