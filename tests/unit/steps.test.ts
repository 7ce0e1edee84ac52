import { describe, expect, it, vi } from "vitest";
import { createSteps } from "../helpers/steps";

const never = () => new Promise<never>(() => {});

describe("browser test steps", () => {
  it("return what the step returns, and record its time", async () => {
    const s = createSteps({ timeoutMs: 10_000, marginMs: 1000 });
    expect(await s.step("adds", 1000, async () => 1 + 1)).toBe(2);
    expect(s.report()).toEqual([expect.stringMatching(/^adds: \d+ ms of 1 s$/)]);
  });

  it("fail with the step's name when its budget runs out", async () => {
    const s = createSteps({ timeoutMs: 10_000, marginMs: 1000 });
    const started = Date.now();
    await expect(s.step("viewer sees the creator's video", 50, never)).rejects.toThrow(
      /^step "viewer sees the creator's video" did not finish within its 50 ms budget$/,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(s.state.failedStep).toBe("viewer sees the creator's video");
  });

  it("refuse a budget that does not fit in what the test's timeout leaves, before running it", async () => {
    const s = createSteps({ timeoutMs: 1000, marginMs: 100 });
    await s.step("a", 600, async () => {});
    const fn = vi.fn(async () => {});
    await expect(s.step("b", 400, fn)).rejects.toThrow(
      /^step "b" asks for 400 ms, but the steps before it already have 600 ms of the 900 ms this test's 1 s timeout leaves/,
    );
    expect(fn).not.toHaveBeenCalled();
    // Budgets are reserved whole, however quickly a step finished: the check does not depend on load.
    expect(s.allocatedMs()).toBe(600);
  });

  it("never give a step more than is left of the test's time, and say so", async () => {
    let t = 0;
    const s = createSteps({ timeoutMs: 1000, marginMs: 100, startedAt: 0, now: () => t });
    t = 850; // time spent outside steps
    await expect(s.step("slow", 100, never)).rejects.toThrow(
      /^step "slow" did not finish in the 50 ms left of the test's 1 s \(its budget: 100 ms\)$/,
    );
    t = 950;
    await expect(s.step("late", 10, async () => {})).rejects.toThrow(/^step "late" did not start/);
  });

  it("name the step in an assertion's failure and keep the assertion's details", async () => {
    const s = createSteps({ timeoutMs: 10_000, marginMs: 1000 });
    const err = (await s
      .step("status says connected", 1000, async () => {
        expect("Connecting…").toBe("Connected");
      })
      .catch((e: unknown) => e)) as Error & { expected?: unknown; actual?: unknown };
    expect(err.message).toMatch(/^step "status says connected" failed: expected 'Connecting…' to be 'Connected'/);
    expect([err.actual, err.expected]).toEqual(["Connecting…", "Connected"]);
  });

  it("save what a failure leaves once, and say where in the message", async () => {
    const onFailure = vi.fn(() => "test-results/room");
    const s = createSteps({ timeoutMs: 10_000, marginMs: 1000, onFailure });
    await expect(s.step("joins", 20, never)).rejects.toThrow(
      'step "joins" did not finish within its 20 ms budget\n  screenshots and console: test-results/room',
    );
    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(onFailure).toHaveBeenCalledWith({ step: "joins", error: expect.any(Error) });
    expect(s.state.artifacts).toBe("test-results/room");
  });

  it("let an abandoned wait reject later without an unhandled rejection", async () => {
    const s = createSteps({ timeoutMs: 10_000, marginMs: 1000 });
    const late = () => new Promise<never>((_, reject) => setTimeout(() => reject(new Error("browser closed")), 60));
    await expect(s.step("hangs", 20, late)).rejects.toThrow(/within its 20 ms budget/);
    await new Promise((r) => setTimeout(r, 100)); // Vitest fails the run on an unhandled rejection
  });

  it("do not nest", async () => {
    const s = createSteps({ timeoutMs: 10_000, marginMs: 1000 });
    await expect(s.step("outer", 1000, () => s.step("inner", 10, async () => {}))).rejects.toThrow(
      /step "inner" was started inside step "outer"/,
    );
  });
});
