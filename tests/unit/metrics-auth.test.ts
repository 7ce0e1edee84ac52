import { beforeEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";

// lib/env is replaced (only) to switch METRICS_TOKEN between cases; the check itself runs as written.
const fakeEnv = vi.hoisted(() => ({ METRICS_TOKEN: undefined as string | undefined }));
vi.mock("@/lib/env", () => ({ env: fakeEnv }));
const { assertMetricsCaller } = await import("@/lib/ops/metrics-auth");

const codeOf = (authorization: string | null) => {
  try {
    assertMetricsCaller(authorization);
    return "ok";
  } catch (err) {
    return err instanceof AppError ? err.code : "other";
  }
};

describe("GET /metrics's caller check", () => {
  beforeEach(() => {
    fakeEnv.METRICS_TOKEN = "a-metrics-token-of-32-characters";
  });

  it("answers 404 when METRICS_TOKEN is not set, whatever is sent", () => {
    fakeEnv.METRICS_TOKEN = undefined;
    expect(codeOf(null)).toBe("not_found");
    expect(codeOf("Bearer anything")).toBe("not_found");
  });

  it("answers 401 without the bearer token, or with another one", () => {
    expect(codeOf(null)).toBe("unauthorized");
    expect(codeOf("")).toBe("unauthorized");
    expect(codeOf("a-metrics-token-of-32-characters")).toBe("unauthorized"); // no scheme
    expect(codeOf("Basic a-metrics-token-of-32-characters")).toBe("unauthorized");
    expect(codeOf("Bearer a-metrics-token-of-32-character")).toBe("unauthorized"); // one short
    expect(codeOf("Bearer a-metrics-token-of-32-charactersX")).toBe("unauthorized");
  });

  it("lets the configured token through, the scheme in any case", () => {
    expect(codeOf("Bearer a-metrics-token-of-32-characters")).toBe("ok");
    expect(codeOf("bearer a-metrics-token-of-32-characters")).toBe("ok");
  });
});
