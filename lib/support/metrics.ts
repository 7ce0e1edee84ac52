/**
 * Session quality metrics over the trace of a period (the /admin/metrics page). Pure: no db or env.
 *
 * A "join" is one press of Join: the client and app events of one (traceId, actorId, joinId). Events
 * that carry no joinId are grouped by (traceId, actorId, seq) instead, so an old client's connection
 * still counts once. Only token.issued and client.* events take part; LiveKit's webhooks describe the
 * same connections from the server's side and would count them twice.
 */

import { roomTargetOf } from "@/lib/sessions/rules/token-policy";
import { camerasOn, waitedForOtherSideMs, type CameraOn } from "./first-media";

export type MetricEvent = {
  id: bigint | number;
  traceId: string;
  type: string;
  actorId: string | null;
  payload: unknown;
  occurredAt: Date;
};

/** The event types the metrics read (the query asks the database for these only). */
export const metricEventTypes = [
  "token.issued",
  "client.token_received",
  "client.signal_connected",
  "client.ice_selected",
  "client.first_media",
  "client.attempt_failed",
  "client.device_error",
  // Not part of any join: when the other side's camera came on, so waiting for them is not counted as
  // join-to-first-media (lib/sessions/first-media.ts).
  "track.published",
] as const;

export type FailureCause = "signaling" | "ice" | "permission" | "other";

export type SessionMetrics = {
  /** Joins counted: those that got a first token, plus device failures that never got one. */
  joins: number;
  /** Joins that got a token for their first attempt. */
  joinsWithToken: number;
  successes: number;
  failures: number;
  /** successes / joins; null when there were no joins. */
  setupSuccessRate: number | null;
  relayedJoins: number;
  /** relayed / successes; null when nothing connected. */
  relayShare: number | null;
  retriedJoins: number;
  /** retried / joinsWithToken; null when no join got a token. */
  retryRate: number | null;
  /** How many joins reported a first video frame (the sample of the percentiles). */
  firstMediaSamples: number;
  /** Each of those joins' join-to-first-media time (ms), in no particular order. */
  firstMediaMs: number[];
  joinToFirstMediaP50Ms: number | null;
  joinToFirstMediaP95Ms: number | null;
  failuresByCause: Record<FailureCause, number>;
};

type Payload = Record<string, unknown>;
const payloadOf = (e: MetricEvent): Payload =>
  e.payload && typeof e.payload === "object" && !Array.isArray(e.payload) ? (e.payload as Payload) : {};
const num = (p: Payload, k: string) => (typeof p[k] === "number" && Number.isFinite(p[k]) ? (p[k] as number) : null);
const order = (a: MetricEvent, b: MetricEvent) =>
  a.occurredAt.getTime() - b.occurredAt.getTime() ||
  (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0);

const PERMISSION_ERRORS = new Set(["denied", "not_found", "busy"]);
const RELEVANT = new Set<string>(metricEventTypes.filter((t) => t !== "track.published"));

/** Nearest-rank percentile (p in 0–100) of a list of numbers; null for an empty list. */
export function percentile(values: readonly number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

type Join = { key: string; participant: string; events: MetricEvent[] };

function groupJoins(events: readonly MetricEvent[]): Join[] {
  const joins = new Map<string, Join>();
  for (const e of [...events].sort(order)) {
    if (!RELEVANT.has(e.type)) continue;
    const p = payloadOf(e);
    const participant = `${e.traceId}\u0000${e.actorId ?? ""}`;
    const joinId = typeof p.joinId === "string" && p.joinId ? p.joinId : null;
    const key = joinId ? `${participant}\u0000j:${joinId}` : `${participant}\u0000s:${num(p, "seq") ?? "-"}`;
    const join = joins.get(key) ?? { key, participant, events: [] };
    join.events.push(e);
    joins.set(key, join);
  }
  return [...joins.values()];
}

const ofType = (j: Join, type: string) => j.events.filter((e) => e.type === type);
const attemptOf = (e: MetricEvent) => num(payloadOf(e), "attempt") ?? 1;

/**
 * Why a join that never reached a media path failed. An attempt_failed on the join's last attempt is
 * the client's own account of why it gave up, so it wins; then a device failure; then a token that
 * never reached the server (signaling); anything else (closed the tab after signaling) is "other".
 */
function causeOf(j: Join): FailureCause {
  const lastAttempt = Math.max(1, ...j.events.map(attemptOf));
  const gaveUp = ofType(j, "client.attempt_failed")
    .filter((e) => attemptOf(e) === lastAttempt)
    .at(-1);
  if (gaveUp) return payloadOf(gaveUp).stage === "signaling" ? "signaling" : "ice";
  if (ofType(j, "client.device_error").some((e) => PERMISSION_ERRORS.has(String(payloadOf(e).error))))
    return "permission";
  if (!ofType(j, "client.signal_connected").length) return "signaling";
  return "other";
}

/** The metrics of a period's trace events (any order; events of other types are ignored). */
export function computeSessionMetrics(events: readonly MetricEvent[]): SessionMetrics {
  const joins = groupJoins(events);
  const cameras = new Map<string, CameraOn[]>();
  for (const e of events) {
    for (const c of camerasOn([e])) cameras.set(e.traceId, [...(cameras.get(e.traceId) ?? []), c]);
  }
  // When each participant last got a media path, so a device error fixed later is not a failure.
  const lastSuccess = new Map<string, number>();
  for (const j of joins) {
    for (const e of ofType(j, "client.ice_selected")) {
      const t = e.occurredAt.getTime();
      if (t > (lastSuccess.get(j.participant) ?? -Infinity)) lastSuccess.set(j.participant, t);
    }
  }

  const failuresByCause: Record<FailureCause, number> = { signaling: 0, ice: 0, permission: 0, other: 0 };
  let counted = 0,
    withToken = 0,
    successes = 0,
    relayed = 0,
    retried = 0;
  const firstMedia: number[] = [];
  // A person stuck at the device check counts once per session, however many times they press Join
  // (or however many reports their browser sends): one participant cannot swamp the rate.
  const blockedAtDevices = new Set<string>();

  for (const j of joins) {
    const tokens = ofType(j, "token.issued");
    const hasFirstToken = tokens.some((e) => attemptOf(e) === 1);
    const ice = ofType(j, "client.ice_selected");
    const media = ofType(j, "client.first_media")[0];
    if (media) {
      const ms = num(payloadOf(media), "msFromJoin");
      const role = payloadOf(media).role;
      // From the press of Join, or from when the other side's camera came on if that was later.
      if (ms !== null)
        firstMedia.push(
          ms -
            waitedForOtherSideMs(
              { at: media.occurredAt, msFromJoin: ms, role: typeof role === "string" ? role : "" },
              cameras.get(media.traceId) ?? [],
            ),
        );
    }

    if (!hasFirstToken) {
      // Decision: a press of Join that died on the camera or microphone before any token is a failed
      // setup (the person could not get in), so it is in the setup-success denominator as a
      // "permission" failure — unless the same person got a media path later in the period, in which
      // case they fixed it and the failed preview was not a join. Groups with neither a first token nor
      // such a device error (a lone relay retry whose first attempt fell outside the period) are skipped.
      const deviceFailure = ofType(j, "client.device_error").find((e) =>
        PERMISSION_ERRORS.has(String(payloadOf(e).error)),
      );
      if (!deviceFailure || ice.length) continue;
      if (
        (lastSuccess.get(j.participant) ?? -Infinity) < deviceFailure.occurredAt.getTime() &&
        !blockedAtDevices.has(j.participant)
      ) {
        blockedAtDevices.add(j.participant);
        counted++;
        failuresByCause.permission++;
      }
      continue;
    }

    counted++;
    withToken++;
    if (tokens.some((e) => attemptOf(e) === 2)) retried++;
    if (ice.length) {
      successes++;
      if (payloadOf(ice.at(-1)!).localCandidateType === "relay") relayed++;
    } else {
      failuresByCause[causeOf(j)]++;
    }
  }

  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  return {
    joins: counted,
    joinsWithToken: withToken,
    successes,
    failures: counted - successes,
    setupSuccessRate: ratio(successes, counted),
    relayedJoins: relayed,
    relayShare: ratio(relayed, successes),
    retriedJoins: retried,
    retryRate: ratio(retried, withToken),
    firstMediaSamples: firstMedia.length,
    firstMediaMs: firstMedia,
    joinToFirstMediaP50Ms: percentile(firstMedia, 50),
    joinToFirstMediaP95Ms: percentile(firstMedia, 95),
    failuresByCause,
  };
}

// ---------------------------------------------------------------- thresholds

export type MetricThresholds = {
  minSetupSuccess: number;
  maxRelayShare: number;
  maxRetryRate: number;
  maxJoinToMediaP50Ms: number;
  maxJoinToMediaP95Ms: number;
};

export type MetricKey =
  | "setupSuccessRate"
  | "relayShare"
  | "retryRate"
  | "joinToFirstMediaP50Ms"
  | "joinToFirstMediaP95Ms";

export type MetricEvaluation = {
  key: MetricKey;
  label: string;
  value: number | null;
  threshold: number;
  /** min: the value must be at least the threshold; max: at most. */
  kind: "min" | "max";
  unit: "ratio" | "ms";
  breached: boolean;
  /** "97.5 %", "812 ms" or "no data". */
  display: string;
  thresholdDisplay: string;
};

export const formatMetric = (value: number | null, unit: "ratio" | "ms") =>
  value === null ? "no data" : unit === "ratio" ? `${(value * 100).toFixed(1)} %` : `${Math.round(value)} ms`;

/** Each metric beside its threshold. A metric without data (null) is never a breach. */
export function evaluateThresholds(m: SessionMetrics, t: MetricThresholds): MetricEvaluation[] {
  const rows: [MetricKey, string, number | null, number, "min" | "max", "ratio" | "ms"][] = [
    ["setupSuccessRate", "Setup success rate", m.setupSuccessRate, t.minSetupSuccess, "min", "ratio"],
    ["relayShare", "Relay share", m.relayShare, t.maxRelayShare, "max", "ratio"],
    ["retryRate", "Retry rate", m.retryRate, t.maxRetryRate, "max", "ratio"],
    ["joinToFirstMediaP50Ms", "Join to first media, p50", m.joinToFirstMediaP50Ms, t.maxJoinToMediaP50Ms, "max", "ms"],
    ["joinToFirstMediaP95Ms", "Join to first media, p95", m.joinToFirstMediaP95Ms, t.maxJoinToMediaP95Ms, "max", "ms"],
  ];
  return rows.map(([key, label, value, threshold, kind, unit]) => ({
    key,
    label,
    value,
    threshold,
    kind,
    unit,
    breached: value !== null && (kind === "min" ? value < threshold : value > threshold),
    display: formatMetric(value, unit),
    thresholdDisplay: `${kind === "min" ? "at least" : "at most"} ${formatMetric(threshold, unit)}`,
  }));
}

/**
 * The events of private sessions and of group shows apart, per participant. A trace is a show's when its
 * tokens were for a show's room. In a show, each viewer's events are on their ticket's trace and the
 * creator's on the show's: the creator's camera coming on (track.published) is copied into each ticket's
 * trace of that room, so a viewer who joined before the show went live does not count the wait as setup time.
 */
export function splitByRoomKind<E extends { traceId: string; type: string; payload: unknown }>(events: E[]) {
  const roomOf = new Map<string, string>();
  for (const e of events) {
    const room = e.type === "token.issued" ? (e.payload as { roomName?: string }).roomName : undefined;
    if (room) roomOf.set(e.traceId, room);
  }
  const isShow = (traceId: string) => roomTargetOf(roomOf.get(traceId) ?? "")?.kind === "show";
  const tracesOfRoom = new Map<string, string[]>();
  for (const [traceId, room] of roomOf)
    if (isShow(traceId)) tracesOfRoom.set(room, [...(tracesOfRoom.get(room) ?? []), traceId]);
  const group: E[] = [];
  const priv: E[] = [];
  for (const e of events) {
    if (!isShow(e.traceId)) {
      priv.push(e);
      continue;
    }
    group.push(e);
    if (e.type === "track.published") {
      for (const other of tracesOfRoom.get(roomOf.get(e.traceId)!) ?? [])
        if (other !== e.traceId) group.push({ ...e, traceId: other });
    }
  }
  return { private: priv, group };
}
