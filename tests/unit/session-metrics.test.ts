import { describe, expect, it } from "vitest";
import {
  computeSessionMetrics,
  evaluateThresholds,
  percentile,
  type MetricEvent,
  type MetricThresholds,
} from "@/lib/support/metrics";

const t0 = Date.parse("2020-01-02T10:00:00Z");
let nextId = 1;
const ev = (
  traceId: string,
  actorId: string,
  type: string,
  ms: number,
  payload: Record<string, unknown> = {},
): MetricEvent => ({ id: BigInt(nextId++), traceId, type, actorId, payload, occurredAt: new Date(t0 + ms) });

/** One press of Join by `who` in trace `tr`, described by what happened. */
function join(
  tr: string,
  who: string,
  kind:
    | "direct"
    | "relay-after-direct"
    | "relay-first"
    | "signaling"
    | "ice-both"
    | "no-signal"
    | "abandoned"
    | "denied-with-token",
  firstMediaMs?: number,
) {
  const joinId = `${tr}-${who}-join`;
  const c = (type: string, ms: number, attempt: number, seq: number, extra: Record<string, unknown> = {}) =>
    ev(tr, who, `client.${type}`, ms, { role: "viewer", attempt, seq, joinId, ...extra });
  const token = (ms: number, attempt: number, seq: number) =>
    ev(tr, who, "token.issued", ms, {
      role: "viewer",
      attempt,
      seq,
      policy: attempt === 2 ? "relay" : "all",
      joinId,
      roomName: "r",
      expiresAt: "x",
    });
  const media = (ms: number, attempt: number, seq: number) =>
    firstMediaMs === undefined
      ? []
      : [
          c("first_media", ms, attempt, seq, { msFromJoin: firstMediaMs }),
          c("first_media", ms + 50_000, attempt, seq, { msFromJoin: 99_999 }),
        ];
  switch (kind) {
    case "direct":
      return [
        token(0, 1, 1),
        c("signal_connected", 100, 1, 1),
        c("ice_selected", 300, 1, 1, { localCandidateType: "host", protocol: "udp" }),
        ...media(800, 1, 1),
      ];
    case "relay-after-direct":
      return [
        token(0, 1, 1),
        c("signal_connected", 100, 1, 1),
        c("attempt_failed", 5000, 1, 1, { stage: "ice", afterMs: 5000 }),
        token(5010, 2, 2),
        c("signal_connected", 5100, 2, 2),
        c("ice_selected", 5500, 2, 2, { localCandidateType: "relay", protocol: "udp", relayProtocol: "udp" }),
        ...media(6000, 2, 2),
      ];
    case "relay-first": // a relay-only first attempt (forced policy): relayed, but not a retry
      return [
        token(0, 1, 1),
        c("signal_connected", 100, 1, 1),
        c("ice_selected", 400, 1, 1, { localCandidateType: "relay", protocol: "udp", relayProtocol: "tcp" }),
        ...media(900, 1, 1),
      ];
    case "signaling":
      return [token(0, 1, 1), c("attempt_failed", 5000, 1, 1, { stage: "signaling", afterMs: 5000 })];
    case "ice-both":
      return [
        token(0, 1, 1),
        c("signal_connected", 100, 1, 1),
        c("attempt_failed", 5000, 1, 1, { stage: "ice", afterMs: 5000 }),
        token(5010, 2, 2),
        c("signal_connected", 5100, 2, 2),
        c("attempt_failed", 20_000, 2, 2, { stage: "ice", afterMs: 15_000 }),
      ];
    case "no-signal":
      return [token(0, 1, 1)];
    case "abandoned":
      return [token(0, 1, 1), c("signal_connected", 100, 1, 1)];
    case "denied-with-token":
      return [token(0, 1, 1), c("device_error", 50, 1, 1, { device: "camera", error: "denied" })];
  }
}
/** A camera refused in the preview, before any token (no joinId, no seq). */
const deniedInPreview = (tr: string, who: string, ms = 0, error = "denied") => [
  ev(tr, who, "client.device_error", ms, { role: "viewer", device: "camera", error }),
];

const defaults: MetricThresholds = {
  minSetupSuccess: 0.95,
  maxRelayShare: 0.3,
  maxRetryRate: 0.2,
  maxJoinToMediaP50Ms: 3000,
  maxJoinToMediaP95Ms: 8000,
};

describe("percentile (nearest rank)", () => {
  it("picks the value at rank ceil(p·n)", () => {
    const xs = [15, 20, 35, 40, 50];
    expect(percentile(xs, 50)).toBe(35);
    expect(percentile(xs, 95)).toBe(50);
    expect(percentile(xs, 30)).toBe(20);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect([percentile(hundred, 50), percentile(hundred, 95)]).toEqual([50, 95]);
  });
});

describe("session metrics over a fixture trace", () => {
  const events = [
    ...join("t1", "v1", "direct", 800),
    ...join("t1", "c1", "relay-after-direct", 6000),
    ...join("t2", "v2", "direct", 1200),
    ...join("t2", "c2", "relay-first", 900),
    ...join("t3", "v3", "signaling"),
    ...join("t3", "c3", "ice-both"),
    ...join("t4", "v4", "no-signal"),
    ...join("t4", "c4", "abandoned"),
    ...join("t5", "v5", "denied-with-token"),
    ...deniedInPreview("t5", "c5"),
    // Denied in the preview, then allowed and connected: a fixed preview is not a join.
    ...deniedInPreview("t6", "v6", -60_000),
    ...join("t6", "v6", "direct", 2000),
    // LiveKit's view of a join is not counted a second time; nor are unrelated events.
    ev("t1", "v1", "participant.joined", 200, {
      role: "viewer",
      seq: 1,
      attempt: 1,
      joinId: "t1-v1-join",
      participantSid: "PA_1",
    }),
    ev("t1", "v1", "payment.succeeded", -1000, { amountCents: 4000 }),
  ];
  const m = computeSessionMetrics([...events].reverse()); // order of input does not matter

  it("counts joins, successes and failures exactly", () => {
    // 10 joins with a token (v1 c1 v2 c2 v3 c3 v4 c4 v5 v6) + 1 preview-only permission failure (c5)
    expect(m.joinsWithToken).toBe(10);
    expect(m.joins).toBe(11);
    expect(m.successes).toBe(5); // v1 c1 v2 c2 v6
    expect(m.failures).toBe(6);
    expect(m.setupSuccessRate).toBeCloseTo(5 / 11, 12);
  });

  it("relay share and retry rate", () => {
    expect(m.relayedJoins).toBe(2); // c1 (after direct failed), c2 (relay first)
    expect(m.relayShare).toBeCloseTo(2 / 5, 12);
    expect(m.retriedJoins).toBe(2); // c1, c3: a token for attempt 2
    expect(m.retryRate).toBeCloseTo(2 / 10, 12);
  });

  it("join-to-first-media p50/p95 over the first frame of each join", () => {
    // 800, 900, 1200, 2000, 6000 (the later 99 999 frames of each join are ignored)
    expect(m.firstMediaSamples).toBe(5);
    expect(m.joinToFirstMediaP50Ms).toBe(1200);
    expect(m.joinToFirstMediaP95Ms).toBe(6000);
  });

  it("failures by cause", () => {
    // signaling: v3 (gave up at signaling), v4 (token, never reached the server); ice: c3;
    // permission: v5 (denied after the token), c5 (denied in the preview); other: c4 (left after signaling)
    expect(m.failuresByCause).toEqual({ signaling: 2, ice: 1, permission: 2, other: 1 });
  });

  it("groups events without a joinId by (trace, actor, seq)", () => {
    const noJoinId = [
      ev("t9", "v9", "token.issued", 0, { attempt: 1, seq: 1 }),
      ev("t9", "v9", "client.ice_selected", 100, { attempt: 1, seq: 1, localCandidateType: "srflx", protocol: "udp" }),
      ev("t9", "v9", "token.issued", 60_000, { attempt: 1, seq: 2 }),
      ev("t9", "v9", "client.attempt_failed", 65_000, { attempt: 1, seq: 2, stage: "ice", afterMs: 5000 }),
    ];
    const r = computeSessionMetrics(noJoinId);
    expect([r.joins, r.successes, r.failuresByCause.ice, r.relayShare]).toEqual([2, 1, 1, 0]);
  });

  it("an empty period gives no data, never NaN", () => {
    const e = computeSessionMetrics([]);
    expect(e).toMatchObject({
      joins: 0,
      successes: 0,
      failures: 0,
      setupSuccessRate: null,
      relayShare: null,
      retryRate: null,
      joinToFirstMediaP50Ms: null,
      joinToFirstMediaP95Ms: null,
    });
    const rows = evaluateThresholds(e, defaults);
    expect(rows.every((r) => !r.breached && r.display === "no data")).toBe(true);
  });
});

describe("thresholds", () => {
  it("flags a minimum breached from below and a maximum from above, not at the threshold itself", () => {
    const base = computeSessionMetrics([
      ...join("a", "1", "direct", 3000),
      ...join("b", "2", "relay-after-direct", 8000),
    ]);
    const rows = Object.fromEntries(evaluateThresholds(base, defaults).map((r) => [r.key, r]));
    // success 2/2 = 100 % ≥ 95 %; relay 1/2 = 50 % > 30 %; retry 1/2 = 50 % > 20 %; p50 = 3000 (not > 3000); p95 = 8000 (not > 8000)
    expect(rows.setupSuccessRate).toMatchObject({
      value: 1,
      breached: false,
      display: "100.0 %",
      thresholdDisplay: "at least 95.0 %",
    });
    expect(rows.relayShare).toMatchObject({ value: 0.5, breached: true, display: "50.0 %" });
    expect(rows.retryRate).toMatchObject({ value: 0.5, breached: true });
    expect(rows.joinToFirstMediaP50Ms).toMatchObject({
      value: 3000,
      breached: false,
      display: "3000 ms",
      thresholdDisplay: "at most 3000 ms",
    });
    expect(rows.joinToFirstMediaP95Ms).toMatchObject({ value: 8000, breached: false });

    const failing = computeSessionMetrics([...join("c", "3", "direct", 9000), ...join("d", "4", "signaling")]);
    const r2 = Object.fromEntries(evaluateThresholds(failing, defaults).map((r) => [r.key, r]));
    expect(r2.setupSuccessRate).toMatchObject({ value: 0.5, breached: true });
    expect(r2.joinToFirstMediaP50Ms).toMatchObject({ value: 9000, breached: true });
    expect(r2.joinToFirstMediaP95Ms).toMatchObject({ value: 9000, breached: true });
    expect(r2.relayShare).toMatchObject({ value: 0, breached: false });
  });
});

describe("one participant cannot swamp the setup rate", () => {
  it("counts a person stuck at the device check once per session, however many Join presses they report", () => {
    const spam = Array.from({ length: 40 }, (_, i) =>
      ev("tr-spam", "mallory", "client.device_error", i * 1000, {
        role: "viewer",
        device: "camera",
        error: "denied",
        joinId: `spam-join-${i}`,
      }),
    );
    const m = computeSessionMetrics([...join("tr-ok", "v1", "direct", 700), ...spam]);
    expect(m.joins).toBe(2);
    expect(m.failuresByCause.permission).toBe(1);
    expect(m.setupSuccessRate).toBe(0.5);
  });
});

describe("join to first media does not count waiting for the other side", () => {
  it("counts from the other side's camera when it came on after the press of Join", () => {
    const late = [
      ev("tr-late", "v", "token.issued", 0, { role: "viewer", attempt: 1, seq: 1, joinId: "late-join-1" }),
      ev("tr-late", "v", "client.ice_selected", 300, {
        role: "viewer",
        attempt: 1,
        seq: 1,
        joinId: "late-join-1",
        localCandidateType: "host",
        protocol: "udp",
      }),
      ev("tr-late", "c", "track.published", 20_000, { role: "creator", source: "camera" }),
      // Only the camera counts, not the microphone a moment earlier.
      ev("tr-late", "c", "track.published", 19_000, { role: "creator", source: "microphone" }),
      ev("tr-late", "v", "client.first_media", 20_600, {
        role: "viewer",
        attempt: 1,
        seq: 1,
        joinId: "late-join-1",
        msFromJoin: 20_600,
      }),
    ];
    const m = computeSessionMetrics(late);
    expect(m.joins).toBe(1);
    expect(m.joinToFirstMediaP50Ms).toBe(600);
    // The other side's camera in another session does not count.
    const elsewhere = computeSessionMetrics([
      ...late.filter((e) => e.type !== "track.published"),
      ev("tr-other", "c", "track.published", 20_000, { role: "creator", source: "camera" }),
    ]);
    expect(elsewhere.joinToFirstMediaP50Ms).toBe(20_600);
  });
});
