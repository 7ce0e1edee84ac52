/**
 * The room page's connect policy (the seed guide's "defined window"), as pure logic: try the direct
 * path first; if media is not connected within `directWindowMs`, give that attempt up and retry ONCE
 * with a relay-only ICE policy within `relayWindowMs`; if that fails too, end in a failed state with a
 * message the user can act on. Never an endless spinner: every path ends in "connected" or "failed".
 * A direct attempt that never reached the server (stage "signaling") is not retried: the relay attempt
 * signals through the same server, so it would only make the person wait another window for nothing
 * (the network matrix's "signaling blocked" row, tests/networks).
 *
 * No framework, SDK or browser imports: the room component supplies `connect` (token + room.connect),
 * the unit tests supply fakes and fake timers.
 */
import type { IcePolicy } from "@/lib/trace/client-events";

export type ConnectStatus = "connecting" | "retrying" | "connected" | "failed";
export type AttemptNumber = 1 | 2;

/** What one attempt gets besides its number and policy. */
export type AttemptContext = {
  /** Aborted when the attempt's window ran out or the whole join was cancelled: stop and clean up. */
  signal: AbortSignal;
  /** Call when the signal connection (WebSocket join) is up: a later failure is then an ICE failure. */
  signalConnected: () => void;
};

/** A failed attempt, as the diagnostics report it. */
export type AttemptFailure = {
  attempt: AttemptNumber;
  policy: IcePolicy;
  /** `signaling`: the server was never reached; `ice`: signalling worked but no media path in the window. */
  stage: "signaling" | "ice";
  afterMs: number;
  /** Why, in words: the window ran out, or the error the attempt ended with. */
  message: string;
  timedOut: boolean;
};

/** Thrown (or rejected) by `connect` when retrying cannot help: a refused token, the session ended. */
export class FatalConnectError extends Error {
  readonly fatal = true;
  constructor(message: string) {
    super(message);
    this.name = "FatalConnectError";
  }
}

export type ConnectPolicyOptions<T> = {
  connect: (attempt: AttemptNumber, policy: IcePolicy, ctx: AttemptContext) => Promise<T>;
  directWindowMs: number;
  relayWindowMs: number;
  onStatus?: (status: ConnectStatus, message: string) => void;
  onAttemptFailed?: (failure: AttemptFailure) => void;
  /** A connection that arrived after its attempt was given up (or the join cancelled): close it. */
  discard?: (late: T) => void;
  /** Cancels the whole join (the user left the page). */
  signal?: AbortSignal;
  now?: () => number;
};

export type ConnectResult<T> =
  | { ok: true; value: T; attempt: AttemptNumber; policy: IcePolicy; failures: AttemptFailure[] }
  | { ok: false; cancelled: boolean; message: string; failures: AttemptFailure[] };

export const STATUS_TEXT: Record<ConnectStatus, string> = {
  connecting: "Connecting…",
  retrying: "Trying a more robust route…",
  connected: "Connected",
  failed: "We could not connect you",
};

/** The join could not even reach the video service: no ICE policy helps, so this says what does. */
export const SIGNALING_FAILED_MESSAGE =
  "We could not reach the video service (signaling). Your network (a firewall, VPN or proxy) may be blocking it: try another network or a phone hotspot, then press Try again.";

export const FAILED_MESSAGE =
  "We could not connect you, even through the more robust route. Your network (a firewall, VPN or strict office or hotel Wi-Fi) may be blocking video calls: try another network or a phone hotspot, then press Try again.";

type AttemptOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; failure: AttemptFailure; fatal: boolean; cancelled: boolean };

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);
const isFatal = (err: unknown) =>
  typeof err === "object" && err !== null && (err as { fatal?: unknown }).fatal === true;

/** Runs one attempt against its window; resolves (never rejects) with the value or the failure. */
function runAttempt<T>(
  opts: ConnectPolicyOptions<T>,
  attempt: AttemptNumber,
  policy: IcePolicy,
  windowMs: number,
): Promise<AttemptOutcome<T>> {
  const now = opts.now ?? (() => Date.now());
  const started = now();
  const controller = new AbortController();
  let signalled = false;
  let settled = false;

  return new Promise<AttemptOutcome<T>>((resolve) => {
    const finish = (outcome: AttemptOutcome<T>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onCancel);
      if (!outcome.ok) controller.abort();
      resolve(outcome);
    };
    const failure = (message: string, timedOut: boolean): AttemptFailure => ({
      attempt,
      policy,
      stage: signalled ? "ice" : "signaling",
      afterMs: Math.max(0, Math.round(now() - started)),
      message,
      timedOut,
    });
    const onCancel = () => finish({ ok: false, failure: failure("cancelled", false), fatal: true, cancelled: true });
    const timer = setTimeout(() => {
      const what = signalled ? "no media path" : "the server did not answer";
      finish({
        ok: false,
        failure: failure(`${what} within ${(windowMs / 1000).toFixed(1)} s`, true),
        fatal: false,
        cancelled: false,
      });
    }, windowMs);
    if (opts.signal?.aborted) return onCancel();
    opts.signal?.addEventListener("abort", onCancel);

    let promise: Promise<T>;
    try {
      promise = opts.connect(attempt, policy, {
        signal: controller.signal,
        signalConnected: () => {
          signalled = true;
        },
      });
    } catch (err) {
      promise = Promise.reject(err);
    }
    promise.then(
      (value) => {
        if (settled) opts.discard?.(value);
        else finish({ ok: true, value });
      },
      (err: unknown) =>
        finish({ ok: false, failure: failure(errorMessage(err), false), fatal: isFatal(err), cancelled: false }),
    );
  });
}

/**
 * Direct first, then one relay retry (not after a signalling failure). Status goes "connecting" → ("retrying") → "connected" | "failed";
 * each given-up attempt is reported through `onAttemptFailed` before the next status.
 */
export async function runConnectPolicy<T>(opts: ConnectPolicyOptions<T>): Promise<ConnectResult<T>> {
  const failures: AttemptFailure[] = [];
  const plan: { attempt: AttemptNumber; policy: IcePolicy; windowMs: number; status: ConnectStatus }[] = [
    { attempt: 1, policy: "all", windowMs: opts.directWindowMs, status: "connecting" },
    { attempt: 2, policy: "relay", windowMs: opts.relayWindowMs, status: "retrying" },
  ];
  for (const step of plan) {
    opts.onStatus?.(step.status, STATUS_TEXT[step.status]);
    const outcome = await runAttempt(opts, step.attempt, step.policy, step.windowMs);
    if (outcome.ok) {
      opts.onStatus?.("connected", STATUS_TEXT.connected);
      return { ok: true, value: outcome.value, attempt: step.attempt, policy: step.policy, failures };
    }
    if (outcome.cancelled) return { ok: false, cancelled: true, message: "cancelled", failures };
    failures.push(outcome.failure);
    opts.onAttemptFailed?.(outcome.failure);
    if (outcome.fatal) {
      opts.onStatus?.("failed", outcome.failure.message);
      return { ok: false, cancelled: false, message: outcome.failure.message, failures };
    }
    if (step.attempt === 1 && outcome.failure.stage === "signaling") {
      opts.onStatus?.("failed", SIGNALING_FAILED_MESSAGE);
      return { ok: false, cancelled: false, message: SIGNALING_FAILED_MESSAGE, failures };
    }
  }
  opts.onStatus?.("failed", FAILED_MESSAGE);
  return { ok: false, cancelled: false, message: FAILED_MESSAGE, failures };
}
