import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "@/lib/logger";
import { expectFault } from "../helpers/faults";

function capture(level = "info") {
  const lines: { level: number; msg: string; expectedFault?: string; module?: string }[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: createLogger(stream, level), lines };
}

describe("expected faults", () => {
  it("hold back the error lines a provoked failure logs, and print one line saying what was expected", async () => {
    const { log, lines } = capture();
    const printed: string[] = [];
    const value = await expectFault(
      "SMTP server refuses with 451",
      async () => {
        await Promise.resolve();
        log.child({ module: "mail" }).error({ err: new Error("451 mailbox busy") }, "email not sent");
        log.warn("a warning stays a warning");
        return 42;
      },
      (line) => printed.push(line),
    );
    expect(value).toBe(42);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[40, "a warning stays a warning"]]);
    expect(printed).toEqual([
      `expected: SMTP server refuses with 451 (${expect.getState().currentTestName}) — 1 error line held back\n`,
    ]);
  });

  it("keep errors logged outside the provoked failure visible, even while it runs", async () => {
    const { log, lines } = capture();
    // Scheduled outside the fault: another piece of work failing at the same time is not expected.
    const elsewhere = new Promise<void>((resolve) =>
      setTimeout(() => {
        log.error("unexpected failure elsewhere");
        resolve();
      }, 5),
    );
    await expectFault(
      "refund network fault",
      async () => {
        await elsewhere;
        log.error("refund left for the retry sweep");
      },
      () => {},
    );
    log.error("after the fault");
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [50, "unexpected failure elsewhere"],
      [50, "after the fault"],
    ]);
  });

  it("write the held-back lines at debug level, marked, for whoever runs with LOG_LEVEL=debug", async () => {
    const { log, lines } = capture("debug");
    await expectFault(
      "SMTP 451",
      async () => log.error({ emailId: "e1" }, "email not sent"),
      () => {},
    );
    expect(lines).toEqual([expect.objectContaining({ level: 20, msg: "email not sent", expectedFault: "SMTP 451" })]);
  });

  it("print the line also when the provoked failure makes the test fail", async () => {
    const printed: string[] = [];
    await expect(
      expectFault(
        "refused refund",
        async () => {
          throw new Error("boom");
        },
        (line) => printed.push(line),
      ),
    ).rejects.toThrow("boom");
    expect(printed).toHaveLength(1);
  });
});
