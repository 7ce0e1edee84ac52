/**
 * A session's story for support, from what was recorded: the trace (app, Stripe, LiveKit, client),
 * the participant-connection rows and the payments with their refunds. Pure: no db, env or SDK.
 *
 * Connection columns win over trace events when both say something (the service and webhooks keep
 * the columns current); the trace fills what the columns lack (a relay URL, a failure never written).
 */
import type { Party as SessionRole } from "@/lib/auth/parties";
import { formatMoney } from "@/lib/money";
import type { ReadTraceEvent, TraceSourceName } from "@/lib/trace/events";
import { camerasOn, waitedForOtherSideMs } from "./first-media";

/**
 * A trace event as read back through its schema (lib/trace readTrace): `ok` with a typed payload, or a
 * row that fails its schema (an old or foreign writer), which the story shows as such and otherwise ignores.
 */
export type StoryEvent = ReadTraceEvent & {
  id: bigint | number;
  source: TraceSourceName;
  actorId: string | null;
  occurredAt: Date;
};

export type StoryConnection = {
  id: string;
  identity: string;
  userId: string | null;
  role: string;
  joinId: string | null;
  livekitParticipantSid: string | null;
  /** The connection number (the token's `seq`), not the direct/relay attempt of a join. */
  attempt: number;
  iceTransportPolicy: string;
  tokenIssuedAt: Date | null;
  signalConnectedAt: Date | null;
  joinedAt: Date | null;
  leftAt: Date | null;
  disconnectReason: string | null;
  localCandidateType: string | null;
  remoteCandidateType: string | null;
  protocol: string | null;
  relayProtocol: string | null;
  firstMediaAt: Date | null;
  firstMediaMs: number | null;
  reconnects: number;
  failure: string | null;
  failedAfterMs: number | null;
};

export type StoryPayment = {
  id: string;
  amountCents: number;
  currency: string;
  status: string;
  paidAt: Date | null;
  refunds: { id: string; amountCents: number; status: string; reason: string; createdAt: Date; updatedAt: Date }[];
};

export type StoryPeople = Record<SessionRole, { userId: string; name: string }>;

export type StoryInput = {
  events: StoryEvent[];
  connections: StoryConnection[];
  payments: StoryPayment[];
  people: StoryPeople;
};

export type TimelineEntry = {
  key: string;
  at: Date;
  source: TraceSourceName;
  type: string;
  role: SessionRole | null;
  text: string;
  /** True when the line comes from a payment or refund row that has no event of its own on the trace. */
  fromRecord?: boolean;
};

export type ConnectionView = {
  seq: number;
  /** 1 = the direct attempt of a join, 2 = its relay retry; null when nothing said which. */
  attempt: number | null;
  policy: "all" | "relay" | null;
  joinId: string | null;
  participantSid: string | null;
  tokenAt: Date | null;
  signalAt: Date | null;
  joinedAt: Date | null;
  leftAt: Date | null;
  localCandidateType: string | null;
  remoteCandidateType: string | null;
  protocol: string | null;
  relayProtocol: string | null;
  relayUrl: string | null;
  firstMediaMs: number | null;
  /** When the first remote frame was decoded (Booth's clock). */
  firstMediaAt: Date | null;
  disconnectReason: string | null;
  failure: string | null;
  failedAfterMs: number | null;
  reconnects: number;
};

export type Tone = "good" | "warn" | "bad" | "neutral";

export type ParticipantStory = {
  role: SessionRole;
  userId: string;
  name: string;
  verdict: string;
  tone: Tone;
  connections: ConnectionView[];
  deviceErrors: { at: Date; device: string; error: string }[];
};

export type SessionStory = { timeline: TimelineEntry[]; participants: ParticipantStory[] };

// ---------------------------------------------------------------- wording

const ROLE_LABEL: Record<SessionRole, string> = { viewer: "Viewer", creator: "Creator" };
const SOURCE_LABEL: Record<TraceSourceName, string> = {
  app: "app",
  stripe: "Stripe",
  livekit: "LiveKit",
  client: "browser",
};
const DIRECT = new Set(["host", "srflx", "prflx"]);

/** "1.0 s" from milliseconds, one decimal. */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const policyWords = (policy: unknown) => (policy === "relay" ? "relay only" : "direct first");

/**
 * The selected path as support reads it: "host/udp" for a direct path, "relay/udp via TURN/UDP" for a
 * relayed one (the transport of the pair, then how the browser reached the TURN server).
 */
export function pathText(c: {
  localCandidateType: string | null;
  protocol: string | null;
  relayProtocol: string | null;
}): string | null {
  if (!c.localCandidateType) return null;
  const base = `${c.localCandidateType}/${c.protocol ?? "?"}`;
  if (c.localCandidateType !== "relay") return base;
  return `${base} via TURN/${(c.relayProtocol ?? c.protocol ?? "?").toUpperCase()}`;
}

const DEVICE_ERROR_WORDS: Record<string, (device: string) => string> = {
  denied: (d) => `never allowed the ${d}`,
  busy: (d) => `${d} busy in another app`,
  not_found: (d) => `no ${d} found`,
  other: (d) => `${d} could not start`,
};

const REFUSAL_WORDS: Record<string, string> = {
  not_participant: "not a participant",
  not_paid: "not paid",
  not_open_yet: "the room was not open yet",
  ended: "the session had ended",
  suspended: "account suspended",
};

// ---------------------------------------------------------------- payload access

/**
 * The fields a validated event carries, for the readers below that look for the connection fields many
 * event types share (seq, attempt, policy, joinId, participantSid). A row that failed its schema has none.
 */
type Payload = Record<string, unknown>;
const payloadOf = (e: StoryEvent): Payload => (e.ok ? (e.payload as Payload) : {});
const str = (p: Payload, k: string) => (typeof p[k] === "string" ? (p[k] as string) : null);
const num = (p: Payload, k: string) => (typeof p[k] === "number" && Number.isFinite(p[k]) ? (p[k] as number) : null);

function roleOf(e: StoryEvent, people: StoryPeople): SessionRole | null {
  const r = payloadOf(e).role;
  if (r === "viewer" || r === "creator") return r;
  if (e.actorId && e.actorId === people.viewer.userId) return "viewer";
  if (e.actorId && e.actorId === people.creator.userId) return "creator";
  return null;
}

/** "2027-03-28 09:00" (or "09:00" alone) in UTC: support reads times of several zones, so one zone for all. */
const utcTime = (iso: string, timeOnly = false) => {
  const t = new Date(iso).toISOString();
  return timeOnly ? t.slice(11, 16) : `${t.slice(0, 10)} ${t.slice(11, 16)}`;
};

const byTime = (a: { at: Date; order: bigint }, b: { at: Date; order: bigint }) =>
  a.at.getTime() - b.at.getTime() || (a.order < b.order ? -1 : a.order > b.order ? 1 : 0);

const eventOrder = (e: StoryEvent) => BigInt(e.id);

// ---------------------------------------------------------------- timeline

/** One plain-language line for a trace event. */
export function describeEvent(e: StoryEvent, role: SessionRole | null, currency: string | null = null): string {
  const who = role ? ROLE_LABEL[role] : "Someone";
  const whose = role ? `${ROLE_LABEL[role]}'s` : "A";
  const the = role ? `the ${role}` : "someone";
  const src = SOURCE_LABEL[e.source];
  const amount = (cents: number, cur: string | null = currency) => (cur ? formatMoney(cents, cur) : "an amount");
  const explained = (base: string, why?: string) => (why ? `${base}: ${why}` : base);
  if (!e.ok) return `Unreadable ${e.type} event (${e.problem})`;
  switch (e.type) {
    case "booking.held":
      return "Time held while the viewer pays";
    case "booking.confirmed":
      return e.payload.late
        ? "Booking confirmed (paid after the hold lapsed; the time was still free)"
        : "Booking confirmed";
    case "booking.expired":
      return `Hold expired: ${e.payload.reason}`;
    case "booking.cancelled":
      return `Booking cancelled by the ${e.payload.by}${currency ? `, refund ${formatMoney(e.payload.refundCents, currency)}` : ""}`;
    case "booking.rescheduled":
      return `Booking moved by the ${e.payload.by} from ${utcTime(e.payload.fromStartsAt)}–${utcTime(e.payload.fromEndsAt, true)} to ${utcTime(e.payload.toStartsAt)}–${utcTime(e.payload.toEndsAt, true)} (UTC)`;
    case "ticket.held":
      return "Seat held while the viewer pays";
    case "ticket.confirmed":
      return e.payload.late
        ? "Ticket confirmed (paid after the hold lapsed; a seat was still free)"
        : "Ticket confirmed";
    case "ticket.released":
      return `Seat given back (${e.payload.reason.replaceAll("_", " ")}); the ticket is ${e.payload.status}`;
    case "tip.held":
      return `Tip of ${amount(e.payload.amountCents, e.payload.currency)} started${e.payload.message ? `: "${e.payload.message}"` : ""}`;
    case "tip.confirmed":
      return `Tip of ${amount(e.payload.amountCents, e.payload.currency)} confirmed`;
    case "tip.released":
      return `Tip ${e.payload.status} (${e.payload.reason.replaceAll("_", " ")})`;
    case "show.cancelled":
      return `Show cancelled by the ${e.payload.by}${e.payload.reason ? `: ${e.payload.reason}` : ""}`;
    case "show.live":
      return "Show went live (its creator opened the room)";
    case "show.ended":
      return `Show ended: ${e.payload.explanation}`;
    case "chat.sent":
      return `${who} sent a chat message (${e.payload.length} characters)`;
    case "stage.changed":
      return {
        raised: `${who} raised a hand`,
        invited: `${who} was invited on stage`,
        on_stage: `${who} went on stage`,
        ended: `${who} left the stage${e.payload.reason ? ` (${e.payload.reason.replaceAll("_", " ")})` : ""}`,
      }[e.payload.status];
    case "moderation.action":
      return `Moderation: ${e.payload.action.replaceAll("_", " ")}${e.payload.reason ? ` (${e.payload.reason})` : ""}`;
    case "supervision.granted":
      return "An admin was given an unseen, watch-only link to the room (supervision)";
    case "report.filed":
      return `${who} filed a report (${e.payload.reason.replaceAll("_", " ")}) from the ${e.payload.context}${e.payload.offsetSeconds !== null ? `, ${e.payload.offsetSeconds} s into the session` : ""}`;
    case "checkout.created":
      return `Checkout opened (${e.payload.mode})`;
    case "checkout.failed":
      return `Checkout could not be opened: ${e.payload.error}`;
    case "checkout.closed":
      return "Checkout closed";
    case "payment.pending":
      return `Payment pending (${src})`;
    case "payment.succeeded":
      return `Paid ${amount(e.payload.amountCents, e.payload.currency)} (${src})`;
    case "payment.failed":
      return `Payment failed (${src})`;
    case "payment.flagged":
      return `Payment flagged for review: ${e.payload.reasons.join("; ")}`;
    case "payment.refunded":
      return `${src} reports ${amount(Math.min(e.payload.refundedCents, e.payload.amountCents))} refunded in total`;
    case "refund.requested":
      return explained(
        `Refund ${amount(e.payload.amountCents, e.payload.currency)} requested (${e.payload.reason.replaceAll("_", " ")})`,
        e.payload.explanation,
      );
    case "refund.issued":
      return `Refund ${amount(e.payload.amountCents, e.payload.currency)} issued`;
    case "refund.failed":
      return explained(`Refund ${amount(e.payload.amountCents)} failed`, e.payload.explanation);
    case "dispute.opened":
      return explained(`Dispute opened (${e.payload.reason})`, e.payload.explanation);
    case "dispute.closed":
      return explained(`Dispute closed: ${e.payload.status}`, e.payload.explanation);
    case "token.issued":
      return `Token issued to ${the} (attempt ${e.payload.attempt ?? 1}, ${policyWords(e.payload.policy)})`;
    case "token.refused":
      return `Token refused to ${the}: ${REFUSAL_WORDS[e.payload.reason] ?? e.payload.reason}`;
    case "livekit.unreachable":
      return `The media server did not answer when ${the} asked to join (${e.payload.error})`;
    case "room.started":
      return `Room started (${src})`;
    case "room.finished":
      return `Room finished (${src})`;
    case "participant.joined":
      return `${who} joined (${src})`;
    case "participant.left":
      return `${who} left: ${e.payload.disconnectReason ?? "no reason given"}`;
    case "participant.connection_aborted":
      return `${whose} connection aborted: ${e.payload.disconnectReason ?? "no reason given"}`;
    case "track.published":
      return `${who} published ${trackWords(e.payload)}`;
    case "track.unpublished":
      return `${who} stopped ${trackWords(e.payload)}`;
    case "client.token_received":
      return `${whose} browser got the token (attempt ${e.payload.attempt ?? 1}, ${policyWords(e.payload.policy)})`;
    case "client.signal_connected":
      return `${who} reached the server (signaling connected)`;
    case "client.ice_selected": {
      const p = e.payload;
      if (p.localCandidateType === "relay") {
        const via = p.relayUrl ? ` via ${p.relayUrl}` : "";
        return `${whose} path: relay TURN/${(p.relayProtocol ?? p.protocol).toUpperCase()} (relay candidate${via})`;
      }
      return `${whose} path: direct ${p.localCandidateType}/${p.protocol}${p.remoteCandidateType ? ` (to a ${p.remoteCandidateType} candidate)` : ""}`;
    }
    case "client.first_media":
      return `${role ? `${whose} first` : "First"} video after ${e.payload.msFromJoin} ms`;
    case "client.attempt_failed": {
      const what =
        e.payload.stage === "signaling" ? "could not reach the server (signaling)" : "found no media path (ICE)";
      return `${whose} attempt ${e.payload.attempt ?? 1} gave up after ${seconds(e.payload.afterMs)}: ${what}`;
    }
    case "client.reconnecting":
      return `${who} reconnecting…`;
    case "client.reconnected":
      return `${who} reconnected`;
    case "client.disconnected":
      return `${whose} browser disconnected: ${e.payload.reason}`;
    case "client.device_error": {
      const words = DEVICE_ERROR_WORDS[e.payload.error] ?? DEVICE_ERROR_WORDS.other!;
      return `${who}: ${words(e.payload.device)}${e.payload.name ? ` (${e.payload.name})` : ""}`;
    }
    case "session.warned":
      return "Both sides warned that the room closes soon";
    case "session.closed":
      return "Room closed by the server";
    case "session.settled":
      return `Settled: ${e.payload.explanation || e.payload.outcome}`;
    case "recording.started":
      return `Recording started${e.payload.source ? ` (${e.payload.source})` : ""}: ${e.payload.egressId}`;
    case "recording.finished":
      return `Recording finished: ${e.payload.egressId}${e.payload.durationMs != null ? `, ${seconds(e.payload.durationMs)}` : ""}${e.payload.sizeBytes != null ? `, ${Math.round(e.payload.sizeBytes / 1024)} KB` : ""}`;
    case "recording.failed":
      return `Recording failed: ${e.payload.egressId}: ${e.payload.error}`;
    case "recording.retried":
      return `Recording retried after it failed (${e.payload.retryOf} → ${e.payload.egressId}): ${seconds(e.payload.gapMs)} not recorded`;
    case "recording.requested":
      return e.payload.on ? "The creator started recording" : "The creator stopped recording";
  }
}

const trackWords = (p: { source: string; kind: string }) =>
  `${p.source} ${p.kind}`.replace("camera video", "camera").replace("microphone audio", "microphone");

function buildTimeline(input: StoryInput): TimelineEntry[] {
  const currency = input.payments[0]?.currency ?? null;
  const rows: (TimelineEntry & { order: bigint })[] = input.events.map((e) => {
    const role = roleOf(e, input.people);
    return {
      key: `e${String(e.id)}`,
      at: e.occurredAt,
      source: e.source,
      type: e.type,
      role,
      text: describeEvent(e, role, currency),
      order: eventOrder(e),
    };
  });
  // A payment or refund the trace says nothing about (written before tracing, or by hand) still belongs
  // in the story; it is marked as coming from the record, after the events of the same moment.
  const traced = (type: string, key: string, value: string) =>
    input.events.some((e) => e.type === type && payloadOf(e)[key] === value);
  const late = BigInt(Number.MAX_SAFE_INTEGER);
  for (const pay of input.payments) {
    if (pay.paidAt && !input.events.some((e) => e.type === "payment.succeeded")) {
      rows.push({
        key: `p${pay.id}`,
        at: pay.paidAt,
        source: "stripe",
        type: "payment.succeeded",
        role: "viewer",
        text: `Paid ${formatMoney(pay.amountCents, pay.currency)} (payment record)`,
        fromRecord: true,
        order: late,
      });
    }
    for (const r of pay.refunds) {
      if (r.status === "succeeded" && !traced("refund.issued", "refundId", r.id)) {
        rows.push({
          key: `r${r.id}`,
          at: r.updatedAt,
          source: "app",
          type: "refund.issued",
          role: null,
          text: `Refund ${formatMoney(r.amountCents, pay.currency)} issued (refund record)`,
          fromRecord: true,
          order: late,
        });
      }
    }
  }
  return rows.sort(byTime).map(({ order: _order, ...entry }) => entry);
}

// ---------------------------------------------------------------- connections and verdicts

const emptyConnection = (seq: number): ConnectionView => ({
  seq,
  attempt: null,
  policy: null,
  joinId: null,
  participantSid: null,
  tokenAt: null,
  signalAt: null,
  joinedAt: null,
  leftAt: null,
  localCandidateType: null,
  remoteCandidateType: null,
  protocol: null,
  relayProtocol: null,
  relayUrl: null,
  firstMediaMs: null,
  firstMediaAt: null,
  disconnectReason: null,
  failure: null,
  failedAfterMs: null,
  reconnects: 0,
});

/** The trace's view of each connection (by seq) of one participant, in time order. */
function connectionsFromTrace(events: StoryEvent[], sidToSeq: Map<string, number>): Map<number, ConnectionView> {
  const out = new Map<number, ConnectionView>();
  for (const e of events) {
    const p = payloadOf(e);
    const sid = str(p, "participantSid");
    const seq = num(p, "seq") ?? (sid ? sidToSeq.get(sid) : undefined) ?? null;
    if (seq === null) continue;
    const c = out.get(seq) ?? emptyConnection(seq);
    out.set(seq, c);
    c.attempt ??= num(p, "attempt");
    if (p.policy === "all" || p.policy === "relay") c.policy ??= p.policy;
    c.joinId ??= str(p, "joinId");
    switch (e.type) {
      case "token.issued":
        c.tokenAt ??= e.occurredAt;
        break;
      case "client.signal_connected":
        c.signalAt ??= e.occurredAt;
        break;
      case "client.ice_selected":
        // The last selected pair is the one the call ended up on.
        c.localCandidateType = str(p, "localCandidateType");
        c.remoteCandidateType = str(p, "remoteCandidateType");
        c.protocol = str(p, "protocol");
        c.relayProtocol = str(p, "relayProtocol");
        c.relayUrl = str(p, "relayUrl");
        break;
      case "client.first_media":
        c.firstMediaMs ??= num(p, "msFromJoin");
        c.firstMediaAt ??= e.occurredAt;
        break;
      case "client.attempt_failed":
        c.failure = str(p, "stage");
        c.failedAfterMs = num(p, "afterMs");
        break;
      case "client.reconnecting":
        c.reconnects += 1;
        break;
      case "client.disconnected":
        c.disconnectReason ??= str(p, "reason");
        break;
      case "participant.joined":
        c.joinedAt ??= e.occurredAt;
        c.participantSid ??= sid;
        break;
      case "participant.left":
      case "participant.connection_aborted":
        c.leftAt ??= e.occurredAt;
        c.participantSid ??= sid;
        // LiveKit's reason is the server's word on why the participant went; it wins over the browser's.
        c.disconnectReason =
          str(p, "disconnectReason") ??
          c.disconnectReason ??
          (e.type === "participant.connection_aborted" ? "connection aborted" : null);
        break;
    }
  }
  return out;
}

function mergeConnection(row: StoryConnection | undefined, t: ConnectionView | undefined, seq: number): ConnectionView {
  const base = t ?? emptyConnection(seq);
  if (!row) return base;
  const rowHasPath = row.localCandidateType !== null;
  return {
    seq,
    attempt: base.attempt ?? (row.iceTransportPolicy === "relay" ? 2 : null),
    policy:
      row.iceTransportPolicy === "relay" || row.iceTransportPolicy === "all" ? row.iceTransportPolicy : base.policy,
    joinId: row.joinId ?? base.joinId,
    participantSid: row.livekitParticipantSid ?? base.participantSid,
    tokenAt: row.tokenIssuedAt ?? base.tokenAt,
    signalAt: row.signalConnectedAt ?? base.signalAt,
    joinedAt: row.joinedAt ?? base.joinedAt,
    leftAt: row.leftAt ?? base.leftAt,
    // The path is taken whole from one place, so a row and a later event never mix into a path that never was.
    localCandidateType: rowHasPath ? row.localCandidateType : base.localCandidateType,
    remoteCandidateType: rowHasPath ? row.remoteCandidateType : base.remoteCandidateType,
    protocol: rowHasPath ? row.protocol : base.protocol,
    relayProtocol: rowHasPath ? row.relayProtocol : base.relayProtocol,
    relayUrl: base.relayUrl,
    firstMediaMs: row.firstMediaMs ?? base.firstMediaMs,
    firstMediaAt: row.firstMediaAt ?? base.firstMediaAt,
    disconnectReason: row.disconnectReason ?? base.disconnectReason,
    failure: row.failure ?? base.failure,
    failedAfterMs: row.failedAfterMs ?? base.failedAfterMs,
    reconnects: Math.max(row.reconnects, base.reconnects),
  };
}

/** "45 s", "20 min", "1 h 5 min": how long something lasted, for a sentence. */
export const duration = (ms: number) => {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const min = Math.round(ms / 60_000);
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ""}`;
};

/** One press of Join: its direct attempt and, if it came to that, its relay retry. */
type Join = { connections: ConnectionView[]; connected: ConnectionView | null; start: number; end: number | null };

/** The participant's joins in order: connections grouped by joinId (each connection alone when it has none). */
function joinsOf(connections: ConnectionView[]): Join[] {
  const groups = new Map<string, ConnectionView[]>();
  for (const c of connections) {
    const key = c.joinId ?? `seq:${c.seq}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const time = (d: Date | null) => (d ? d.getTime() : null);
  return [...groups.values()]
    .map((cs) => {
      const connected = cs.filter((c) => c.localCandidateType || c.joinedAt).at(-1) ?? null;
      const starts = cs.map((c) => time(c.tokenAt) ?? time(c.joinedAt) ?? c.seq);
      return { connections: cs, connected, start: Math.min(...starts), end: time(connected?.leftAt ?? null) };
    })
    .sort((x, y) => x.start - y.start || x.connections[0]!.seq - y.connections[0]!.seq);
}

/** How long the other side's video was on screen in this join (first frame to leaving), when both are known. */
function videoMs(j: Join): number | null {
  const c = j.connected;
  if (!c?.firstMediaAt || !c.leftAt) return null;
  return Math.max(0, c.leftAt.getTime() - c.firstMediaAt.getTime());
}

/** How one connected join went: its path, what it rescued, its first video. */
function connectedText(c: ConnectionView, join: Join, waitedMs: number): { text: string; tone: Tone } {
  let text: string;
  let tone: Tone = "good";
  if (c.localCandidateType && DIRECT.has(c.localCandidateType)) {
    text = `connected directly (${c.localCandidateType}/${c.protocol ?? "?"})`;
  } else if (c.localCandidateType === "relay") {
    tone = "warn";
    const via = (c.relayProtocol ?? c.protocol ?? "?").toUpperCase();
    // TLS is what gets through a firewall that lets only HTTPS out: named so, as support would say it.
    text = `connected through TURN/${via}${via === "TLS" ? " (relay over TLS)" : ""}`;
    // The attempt this one rescued: the one before it in the same press of Join.
    const failed = join.connections.filter((o) => o.seq < c.seq && o.failure).at(-1);
    if (failed) {
      const after = failed.failedAfterMs !== null ? ` for ${seconds(failed.failedAfterMs)}` : "";
      text +=
        failed.failure === "signaling"
          ? ` after the direct attempt could not reach the server${after}`
          : ` after the direct attempt failed${after}`;
    } else if (c.policy === "relay") {
      text += " (relay only)";
    }
  } else {
    tone = "warn";
    text = "joined (LiveKit), but the browser never reported its path";
  }
  if (c.firstMediaMs !== null) {
    text += `; first video after ${seconds(c.firstMediaMs)}`;
    if (waitedMs >= 1000) text += ` (${seconds(waitedMs)} of it waiting for the other side's camera)`;
  }
  return { text, tone };
}

/** Why a join that never connected failed, in words ("could not reach the server (signaling)"). */
function failedJoinText(join: Join): string | null {
  const last = join.connections.at(-1);
  if (last?.failure === "signaling") return "could not reach the server (signaling)";
  if (last?.failure === "ice") {
    return join.connections.filter((o) => o.failure === "ice").length > 1
      ? "reached the server, but no media path worked, direct or relay (ICE)"
      : "reached the server, but no media path worked (ICE)";
  }
  return null;
}

const LATER_DEVICE_WORDS: Record<string, (device: string) => string> = {
  denied: (d) => `had the ${d} blocked`,
  busy: (d) => `found the ${d} busy in another app`,
  not_found: (d) => `found no ${d}`,
  other: (d) => `could not start the ${d}`,
};

/**
 * The verdict for one participant, in the words support would use on the phone, about the whole session,
 * not only its last attempt. The rule (README, "Support"):
 * 1. The join (one press of Join, direct then relay) that went best says how they connected: the one that
 *    showed the other side's video longest, else the last that connected. Its path, what it rescued, its
 *    first video, and how long the video was on screen (first frame to leaving) when that is known.
 * 2. Joins that never connected (and device errors) after it are named ("a later rejoin had the camera
 *    blocked"); later joins that connected are counted ("came back twice"); reconnects are counted.
 * 3. Nobody connected: the last join's failure (signaling, then ICE), then a device error, then how far
 *    the token got, as the metrics' failure causes do.
 */
export function verdictFor(
  connections: ConnectionView[],
  events: StoryEvent[],
  waitedMs = 0,
): { verdict: string; tone: Tone } {
  const joins = joinsOf(connections);
  const connected = joins.filter((j) => j.connected);
  const withVideo = connected.filter((j) => j.connected!.firstMediaMs !== null);
  const best =
    withVideo.reduce<Join | null>((b, j) => (b === null || (videoMs(j) ?? -1) > (videoMs(b) ?? -1) ? j : b), null) ??
    connected.at(-1) ??
    null;
  const deviceErrors = events.filter(
    (e): e is StoryEvent & { ok: true; type: "client.device_error" } => e.ok && e.type === "client.device_error",
  );

  if (best) {
    const c = best.connected!;
    let { text, tone } = connectedText(c, best, waitedMs);
    const shown = videoMs(best);
    if (c.firstMediaMs === null) {
      text += "; never saw the other side's video";
      tone = "warn";
    } else if (shown !== null && shown >= 1000) {
      text += `; saw the other side's video for ${duration(shown)}`;
    }
    const after = joins.filter((j) => j.start > best.start);
    const notes: string[] = [];
    const cameBack = after.filter((j) => j.connected).length;
    if (cameBack) notes.push(`left and came back ${cameBack === 1 ? "once" : `${cameBack} times`}`);
    for (const j of after) {
      const why = j.connected ? null : failedJoinText(j);
      if (why) notes.push(`a later rejoin ${why}`);
    }
    const bestEnd = best.end ?? c.firstMediaAt?.getTime() ?? best.start;
    for (const e of deviceErrors.filter((d) => d.occurredAt.getTime() > bestEnd)) {
      const words = LATER_DEVICE_WORDS[e.payload.error] ?? LATER_DEVICE_WORDS.other!;
      const note = `a later rejoin ${words(e.payload.device)}`;
      if (!notes.includes(note)) notes.push(note);
    }
    const failedBefore = joins.filter((j) => j.start < best.start && !j.connected && failedJoinText(j)).length;
    if (failedBefore)
      notes.push(`${failedBefore === 1 ? "an earlier join" : `${failedBefore} earlier joins`} did not connect`);
    const reconnects = connections.reduce((n, o) => n + o.reconnects, 0);
    if (reconnects) notes.push(`reconnected ${reconnects === 1 ? "once" : `${reconnects} times`}`);
    if (notes.some((n) => n.startsWith("a later rejoin"))) tone = tone === "good" ? "warn" : tone;
    return { verdict: [text, ...notes].join("; "), tone };
  }

  // Nobody connected. Same order as the metrics' failure causes: the browser's own reason for giving up its
  // last join, then a device failure, then how far the token got.
  // The media server itself did not answer: nothing the participant's network or browser could have done.
  const unreachable = events.filter((e) => e.ok && e.type === "livekit.unreachable");
  if (unreachable.length && !connections.some((o) => o.joinedAt)) {
    return {
      verdict: `the media server was unreachable (${unreachable.length === 1 ? "once" : `${unreachable.length} tries`}); never joined`,
      tone: "bad",
    };
  }
  const lastJoin = joins.filter((j) => j.connections.some((o) => o.tokenAt)).at(-1) ?? joins.at(-1);
  const why = lastJoin ? failedJoinText(lastJoin) : null;
  if (why) return { verdict: why, tone: "bad" };
  const deviceError = deviceErrors.at(-1);
  if (deviceError) {
    const words = DEVICE_ERROR_WORDS[deviceError.payload.error] ?? DEVICE_ERROR_WORDS.other!;
    return { verdict: words(deviceError.payload.device), tone: "bad" };
  }
  if (lastJoin) {
    if (connections.some((o) => o.signalAt))
      return { verdict: "reached the server but never joined the room", tone: "bad" };
    return { verdict: "got a token but never joined", tone: "bad" };
  }
  const refused = events.filter((e) => e.ok && e.type === "token.refused").at(-1);
  if (refused?.ok && refused.type === "token.refused") {
    const reason = refused.payload.reason;
    return { verdict: `never joined (refused a token: ${REFUSAL_WORDS[reason] ?? reason})`, tone: "neutral" };
  }
  return { verdict: "never joined", tone: "neutral" };
}

function participantStory(role: SessionRole, input: StoryInput): ParticipantStory {
  const person = input.people[role];
  const rows = input.connections.filter(
    (r) => r.userId === person.userId || r.identity === person.userId || (r.userId === null && r.role === role),
  );
  const events = input.events
    .filter((e) => roleOf(e, input.people) === role)
    .sort((a, b) => byTime({ at: a.occurredAt, order: eventOrder(a) }, { at: b.occurredAt, order: eventOrder(b) }));
  const sidToSeq = new Map(
    rows.filter((r) => r.livekitParticipantSid).map((r) => [r.livekitParticipantSid!, r.attempt] as const),
  );
  const fromTrace = connectionsFromTrace(events, sidToSeq);
  const seqs = [...new Set([...rows.map((r) => r.attempt), ...fromTrace.keys()])].sort((a, b) => a - b);
  const connections = seqs.map((seq) =>
    mergeConnection(
      rows.find((r) => r.attempt === seq),
      fromTrace.get(seq),
      seq,
    ),
  );
  const deviceErrors = events
    .filter((e) => e.type === "client.device_error")
    .map((e) => ({
      at: e.occurredAt,
      device: str(payloadOf(e), "device") ?? "device",
      error: str(payloadOf(e), "error") ?? "other",
    }));
  // How much of "join to first video" was spent waiting for the other side's camera (they came late).
  const firstMedia = events.find((e) => e.type === "client.first_media");
  const msFromJoin = firstMedia ? num(payloadOf(firstMedia), "msFromJoin") : null;
  const waitedMs =
    firstMedia && msFromJoin !== null
      ? waitedForOtherSideMs({ at: firstMedia.occurredAt, msFromJoin, role }, camerasOn(input.events))
      : 0;
  return {
    role,
    userId: person.userId,
    name: person.name,
    ...verdictFor(connections, events, waitedMs),
    connections,
    deviceErrors,
  };
}

/** The whole story of one session: one timeline across all sources, and a verdict per participant. */
export function buildSessionStory(input: StoryInput): SessionStory {
  return {
    timeline: buildTimeline(input),
    participants: [participantStory("viewer", input), participantStory("creator", input)],
  };
}
