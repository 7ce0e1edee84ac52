import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  FAILED_MESSAGE,
  FatalConnectError,
  SIGNALING_FAILED_MESSAGE,
  runConnectPolicy,
  type AttemptContext,
  type AttemptNumber,
  type ConnectStatus,
} from "@/lib/sessions/rules/connect-policy";
import type { IcePolicy } from "@/lib/trace/client-events";

/** A fake attempt: optionally reaches the signal server after `signalAfterMs`, then connects after `connectAfterMs` or fails after `failAfterMs`. */
type Script = {
  signalAfterMs?: number;
  connectAfterMs?: number;
  failAfterMs?: number;
  fatal?: boolean;
  value?: string;
};

function fakeConnect(scripts: Record<AttemptNumber, Script>) {
  const calls: { attempt: AttemptNumber; policy: IcePolicy; aborted: () => boolean }[] = [];
  const connect = (attempt: AttemptNumber, policy: IcePolicy, ctx: AttemptContext) => {
    calls.push({ attempt, policy, aborted: () => ctx.signal.aborted });
    const s = scripts[attempt];
    if (s.signalAfterMs !== undefined) setTimeout(ctx.signalConnected, s.signalAfterMs);
    return new Promise<string>((resolve, reject) => {
      if (s.connectAfterMs !== undefined) setTimeout(() => resolve(s.value ?? `room-${attempt}`), s.connectAfterMs);
      if (s.failAfterMs !== undefined)
        setTimeout(
          () =>
            reject(
              s.fatal
                ? new FatalConnectError("The session has ended.")
                : new Error("could not establish signal connection"),
            ),
          s.failAfterMs,
        );
    });
  };
  return { connect, calls };
}

function run(scripts: Record<AttemptNumber, Script>, extra: { signal?: AbortSignal } = {}) {
  const { connect, calls } = fakeConnect(scripts);
  const statuses: ConnectStatus[] = [];
  const failed: unknown[] = [];
  const discarded: string[] = [];
  const result = runConnectPolicy({
    connect,
    directWindowMs: 5000,
    relayWindowMs: 8000,
    signal: extra.signal,
    onStatus: (s) => statuses.push(s),
    onAttemptFailed: (f) => failed.push(f),
    discard: (v) => discarded.push(v),
  });
  return { result, calls, statuses, failed, discarded };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("connect policy: direct first, one relay retry inside a window", () => {
  it("connects directly when media is up inside the direct window, without a retry", async () => {
    const r = run({ 1: { signalAfterMs: 100, connectAfterMs: 900 }, 2: {} });
    await vi.advanceTimersByTimeAsync(900);
    await expect(r.result).resolves.toMatchObject({
      ok: true,
      value: "room-1",
      attempt: 1,
      policy: "all",
      failures: [],
    });
    expect(r.statuses).toEqual(["connecting", "connected"]);
    expect(r.calls.map((c) => [c.attempt, c.policy])).toEqual([[1, "all"]]);
  });

  it("gives the direct attempt up at the window (ICE stage once signalling worked) and connects through relay", async () => {
    const r = run({ 1: { signalAfterMs: 200 }, 2: { signalAfterMs: 150, connectAfterMs: 1200 } });
    await vi.advanceTimersByTimeAsync(4999);
    expect(r.statuses).toEqual(["connecting"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.statuses).toEqual(["connecting", "retrying"]);
    expect(r.calls[0]!.aborted()).toBe(true);
    expect(r.failed).toEqual([
      { attempt: 1, policy: "all", stage: "ice", afterMs: 5000, message: "no media path within 5.0 s", timedOut: true },
    ]);
    await vi.advanceTimersByTimeAsync(1200);
    const res = await r.result;
    expect(res).toMatchObject({ ok: true, value: "room-2", attempt: 2, policy: "relay" });
    expect(r.statuses).toEqual(["connecting", "retrying", "connected"]);
    expect(r.calls.map((c) => [c.attempt, c.policy])).toEqual([
      [1, "all"],
      [2, "relay"],
    ]);
  });

  it("reports a signalling failure when the server was never reached, with the time it took, and does not retry", async () => {
    const r = run({ 1: { failAfterMs: 300 }, 2: { signalAfterMs: 50, connectAfterMs: 400 } });
    await vi.advanceTimersByTimeAsync(300);
    expect(r.failed).toEqual([
      {
        attempt: 1,
        policy: "all",
        stage: "signaling",
        afterMs: 300,
        message: "could not establish signal connection",
        timedOut: false,
      },
    ]);
    // The relay attempt would signal through the same unreachable server: no retry, the cause in words.
    expect(r.statuses).toEqual(["connecting", "failed"]);
    await expect(r.result).resolves.toEqual({
      ok: false,
      cancelled: false,
      message: SIGNALING_FAILED_MESSAGE,
      failures: r.failed,
    });
    expect(r.calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("does not retry when the direct window runs out before the server answered (signalling)", async () => {
    const r = run({ 1: {}, 2: { signalAfterMs: 50, connectAfterMs: 400 } });
    await vi.advanceTimersByTimeAsync(5000);
    await expect(r.result).resolves.toMatchObject({ ok: false, message: SIGNALING_FAILED_MESSAGE });
    expect(r.failed).toMatchObject([{ attempt: 1, stage: "signaling", afterMs: 5000, timedOut: true }]);
    expect(r.calls).toHaveLength(1);
  });

  it("ends failed (never an endless spinner) when the relay retry also runs out of time, reporting both attempts", async () => {
    const r = run({ 1: { signalAfterMs: 100 }, 2: {} });
    await vi.advanceTimersByTimeAsync(5000 + 8000);
    const res = await r.result;
    expect(res).toEqual({ ok: false, cancelled: false, message: FAILED_MESSAGE, failures: r.failed });
    expect(r.failed).toMatchObject([
      { attempt: 1, stage: "ice", afterMs: 5000, timedOut: true },
      {
        attempt: 2,
        policy: "relay",
        stage: "signaling",
        afterMs: 8000,
        message: "the server did not answer within 8.0 s",
      },
    ]);
    expect(r.statuses).toEqual(["connecting", "retrying", "failed"]);
    expect(r.calls.every((c) => c.aborted())).toBe(true);
    // Nothing is left running.
    expect(vi.getTimerCount()).toBe(0);
  });

  it("retries only once: a third attempt never starts", async () => {
    const r = run({ 1: { signalAfterMs: 5, failAfterMs: 10 }, 2: { failAfterMs: 10 } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect((await r.result).ok).toBe(false);
    expect(r.calls).toHaveLength(2);
  });

  it("stops at once on a fatal error (the token refused): no relay retry, the server's words shown", async () => {
    const r = run({ 1: { failAfterMs: 50, fatal: true }, 2: { connectAfterMs: 10 } });
    await vi.advanceTimersByTimeAsync(50);
    await expect(r.result).resolves.toMatchObject({ ok: false, cancelled: false, message: "The session has ended." });
    expect(r.calls).toHaveLength(1);
    expect(r.statuses).toEqual(["connecting", "failed"]);
  });

  it("closes a connection that arrives after its attempt was given up", async () => {
    const r = run({ 1: { signalAfterMs: 10, connectAfterMs: 6000 }, 2: { connectAfterMs: 3000 } });
    await vi.advanceTimersByTimeAsync(8000);
    await expect(r.result).resolves.toMatchObject({ ok: true, value: "room-2" });
    expect(r.discarded).toEqual(["room-1"]);
  });

  it("cancels without reporting a failure when the user leaves mid-connect", async () => {
    const leave = new AbortController();
    const r = run({ 1: { signalAfterMs: 10 }, 2: {} }, { signal: leave.signal });
    await vi.advanceTimersByTimeAsync(1000);
    leave.abort();
    await expect(r.result).resolves.toMatchObject({ ok: false, cancelled: true });
    expect(r.failed).toEqual([]);
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]!.aborted()).toBe(true);
    expect(r.statuses).toEqual(["connecting"]);
  });
});
