import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, withLogContext } from "@/lib/logger";
import { clientIp } from "@/lib/request";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: createLogger(stream, "info"), lines };
}

describe("structured logs", () => {
  it("carry the request id of the request they were written in, from any module", async () => {
    const { log, lines } = capture();
    await withLogContext("req-123", async () => {
      await Promise.resolve();
      log.info({ userId: "u1" }, "signed in");
    });
    log.info("outside any request");
    expect(lines[0]).toMatchObject({ requestId: "req-123", userId: "u1", msg: "signed in", app: "booth" });
    expect(lines[1]).not.toHaveProperty("requestId");
  });

  it("never print secrets by name", () => {
    const { log, lines } = capture();
    log.info(
      {
        password: "hunter2",
        user: { passwordHash: "$argon2id$…", email: "a@b.c" },
        authorization: "Bearer x",
        cookie: "s=1",
      },
      "x",
    );
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/hunter2|argon2id|Bearer|s=1/);
    expect(lines[0]).toMatchObject({ password: "[redacted]", user: { passwordHash: "[redacted]", email: "a@b.c" } });
  });
});

describe("clientIp", () => {
  const h = (xff?: string) => new Headers(xff ? { "x-forwarded-for": xff } : {});
  it("takes the address our own proxies appended, ignoring what the client wrote before it", () => {
    expect(clientIp(h("6.6.6.6, 203.0.113.7"), 1)).toBe("203.0.113.7");
    expect(clientIp(h("6.6.6.6, 203.0.113.7, 10.0.0.2"), 2)).toBe("203.0.113.7");
    expect(clientIp(h("203.0.113.7"), 0)).toBe("203.0.113.7");
    expect(clientIp(h("203.0.113.7"), 3)).toBe("203.0.113.7");
    expect(clientIp(h(), 1)).toBe("unknown");
  });
});
