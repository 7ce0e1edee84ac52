/**
 * The trace's vocabulary: every event type a trace may hold, each with the zod schema of its payload.
 * One map, read by the writer (appendTrace refuses a payload that does not match, and TypeScript refuses
 * an unknown type or a wrongly shaped payload) and by readers (readTrace tells a row that fails its schema
 * apart instead of trusting a cast). Pure: no db, env or SDK.
 *
 * A trace id is a purchase's (booking, ticket or tip): one id ties the payment to the room and its
 * participants. `occurredAt` is the reporter's clock: Booth's for app events, Stripe's or LiveKit's for
 * theirs, the browser's (corrected to Booth's) for client events.
 *
 * Schemas are loose objects: a row may carry more than its schema names (older writers added fields),
 * but what the schema names must be there and well typed. A change that removes or retypes a field needs
 * a new schemaVersion and a reader for the old one.
 */
import { z } from "zod";
import { diagnosticEvent, icePolicy } from "./client-events";

const id = z.string();
const iso = z.string();
const cents = z.number().int();
const role = z.enum(["viewer", "creator"]);
const obj = <S extends z.ZodRawShape>(shape: S) => z.looseObject(shape);

/** Which connection (participant_connections row: roomSessionId + identity + attempt=seq) an event is about. */
const connectionRef = {
  role: role.nullable(),
  seq: z.number().int().nullable(),
  attempt: z.number().int().nullable(),
  policy: icePolicy.nullable(),
  joinId: z.string().nullable(),
};
const participant = { ...connectionRef, identity: z.string(), participantSid: z.string(), webhookId: z.string() };
const track = { ...participant, trackSid: z.string(), source: z.string(), kind: z.string() };
const left = { ...participant, disconnectReason: z.string().nullable() };
const room = { roomName: z.string(), roomSid: z.string().nullable(), webhookId: z.string() };

/** client.<type>: the diagnostic event without `type` and `at`, plus the reporting participant's role. */
const client = diagnosticEvent.options;
const omitted = { type: true, at: true } as const;

export const sessionOutcomes = ["completed", "creator_no_show", "viewer_no_show", "nobody_joined", "unclear"] as const;
export type SessionOutcome = (typeof sessionOutcomes)[number];

export const tracePayloads = {
  // ---------------------------------------------------------------- purchases (app)
  "booking.held": obj({
    bookingId: id,
    offeringId: id,
    startsAt: iso,
    endsAt: iso,
    holdExpiresAt: iso,
    priceCents: cents,
    currency: z.string(),
  }),
  "booking.confirmed": obj({ bookingId: id, late: z.boolean(), explanation: z.string().optional() }),
  "booking.expired": obj({ bookingId: id, reason: z.string() }),
  "booking.cancelled": obj({
    bookingId: id,
    by: z.enum(["viewer", "creator", "admin"]),
    refundCents: cents,
    before: z.string().optional(),
    policy: z.string().optional(),
    reason: z.string().optional(),
  }),
  /** A confirmed booking moved to another open time of its offering, in place (same row, payment and trace). */
  "booking.rescheduled": obj({
    bookingId: id,
    by: z.enum(["viewer", "creator", "admin"]),
    fromStartsAt: iso,
    fromEndsAt: iso,
    toStartsAt: iso,
    toEndsAt: iso,
  }),
  "ticket.held": obj({ ticketId: id, eventId: id, holdExpiresAt: iso, priceCents: cents, currency: z.string() }),
  "ticket.confirmed": obj({ ticketId: id, eventId: id, late: z.boolean(), explanation: z.string().optional() }),
  /** The ticket no longer holds a seat: hold lapsed, checkout expired or failed, refunded, cancelled. */
  "ticket.released": obj({ ticketId: id, eventId: id, reason: z.string(), status: z.string() }),
  "tip.held": obj({
    tipId: id,
    amountCents: cents,
    currency: z.string(),
    roomSessionId: id,
    message: z.string().nullable(),
  }),
  "tip.confirmed": obj({ tipId: id, amountCents: cents, currency: z.string() }),
  "tip.released": obj({ tipId: id, reason: z.string(), status: z.string() }),

  // ---------------------------------------------------------------- checkout and payment (app, stripe)
  "checkout.created": obj({ paymentId: id, checkoutSessionId: id, mode: z.enum(["stripe", "test"]), expiresAt: iso }),
  "checkout.failed": obj({ paymentId: id, error: z.string() }),
  "checkout.closed": obj({ checkoutSessionId: id, result: z.string() }),
  "payment.pending": obj({ checkoutSessionId: id, paymentStatus: z.string(), eventId: id }),
  "payment.succeeded": obj({
    checkoutSessionId: id,
    paymentIntentId: id.nullable(),
    eventId: id,
    amountCents: cents,
    currency: z.string(),
  }),
  "payment.failed": obj({ checkoutSessionId: id, eventId: id }),
  /** Needs a person: a mismatch, a refund or dispute about a payment never recorded as paid, a bad event. */
  "payment.flagged": obj({ reasons: z.array(z.string()).min(1), paymentId: id.optional(), eventId: id.optional() }),
  "payment.refunded": obj({ paymentId: id, refundedCents: cents, amountCents: cents, chargeId: id, eventId: id }),
  "refund.requested": obj({
    refundId: id,
    paymentId: id,
    amountCents: cents,
    currency: z.string(),
    reason: z.string(),
    explanation: z.string().optional(),
    stripeRefundId: id.optional(),
    eventId: id.optional(),
  }),
  "refund.issued": obj({
    refundId: id,
    stripeRefundId: id,
    amountCents: cents,
    currency: z.string(),
    reason: z.string(),
  }),
  "refund.failed": obj({
    refundId: id,
    stripeRefundId: id.nullable(),
    amountCents: cents,
    reason: z.string(),
    explanation: z.string(),
    detail: z.string().optional(),
  }),
  "dispute.opened": obj({
    disputeId: id,
    reason: z.string(),
    amountCents: cents,
    paymentId: id,
    eventId: id,
    explanation: z.string().optional(),
    paymentStatusBefore: z.string().optional(),
    reviewReasonBefore: z.string().nullable().optional(),
    /** The purchase's status before the dispute (bookingStatusBefore in rows written before tickets). */
    purchaseStatusBefore: z.string().nullable().optional(),
    bookingStatusBefore: z.string().nullable().optional(),
  }),
  "dispute.closed": obj({
    disputeId: id,
    status: z.string(),
    amountCents: cents,
    paymentId: id,
    eventId: id,
    explanation: z.string(),
  }),

  // ---------------------------------------------------------------- group shows (app)
  "show.cancelled": obj({ eventId: id, by: z.enum(["creator", "admin", "system"]), reason: z.string().nullable() }),
  "show.live": obj({ eventId: id }),
  "show.ended": obj({ eventId: id, outcome: z.enum(["held", "creator_no_show"]), explanation: z.string() }),
  "chat.sent": obj({ messageId: id, roomSessionId: id, length: z.number().int() }),
  "stage.changed": obj({
    requestId: id,
    userId: id,
    status: z.enum(["raised", "invited", "on_stage", "ended"]),
    reason: z.string().nullable().optional(),
  }),
  /** A moderation action in a live room (mute a track, remove, ban, delete or mute chat), by its creator or an admin. */
  "moderation.action": obj({
    action: z.enum([
      "mute_track",
      "remove_from_room",
      "ban_from_creator",
      "delete_chat_message",
      "mute_chat",
      "end_room",
      "warn",
      "suspend",
      "unpublish_profile",
      "refund",
      "dismiss_report",
    ]),
    targetUserId: id,
    reason: z.string().nullable(),
    roomSessionId: id.nullable().optional(),
  }),

  /** Someone reported the other side of this purchase (from the room, the booking page). */
  /** An admin was given a hidden, subscribe-only grant to watch this room (lib/sessions/supervision.ts). */
  "supervision.granted": obj({ adminId: id, identity: z.string(), roomName: z.string(), expiresAt: iso }),
  "report.filed": obj({
    reportId: id,
    reporterId: id,
    subjectUserId: id,
    reason: z.string(),
    context: z.enum(["room", "booking", "profile", "show_room", "chat"]),
    offsetSeconds: z.number().int().nullable(),
    /** A report about a show's chat message: which one (its text is on the report). */
    messageId: id.nullable().optional(),
  }),

  // ---------------------------------------------------------------- live rooms (app)
  "token.issued": obj({ ...connectionRef, role, roomName: z.string(), expiresAt: iso }),
  "token.refused": obj({ reason: z.string(), attempt: z.number().int() }),
  /** livekit-server did not answer Booth (opening the room for a token): the user was told, the page retries. */
  "livekit.unreachable": obj({
    role: role.nullable(),
    stage: z.enum(["room"]),
    attempt: z.number().int(),
    error: z.string(),
  }),
  "session.warned": obj({ endsAt: iso, closesAt: iso, roomName: z.string(), result: z.string() }),
  "session.closed": obj({ roomName: z.string(), closedAt: iso }),
  "session.settled": obj({
    outcome: z.enum(sessionOutcomes),
    explanation: z.string(),
    refundId: id.optional(),
  }),

  // ---------------------------------------------------------------- live rooms (livekit webhooks)
  "room.started": obj(room),
  "room.finished": obj(room),
  "participant.joined": obj(participant),
  "participant.left": obj(left),
  "participant.connection_aborted": obj(left),
  "track.published": obj(track),
  "track.unpublished": obj(track),

  // ---------------------------------------------------------------- live rooms (browsers)
  "client.token_received": client[0].omit(omitted).extend({ role }).loose(),
  "client.signal_connected": client[1].omit(omitted).extend({ role }).loose(),
  "client.ice_selected": client[2].omit(omitted).extend({ role }).loose(),
  "client.first_media": client[3].omit(omitted).extend({ role }).loose(),
  "client.attempt_failed": client[4].omit(omitted).extend({ role }).loose(),
  "client.reconnecting": client[5].omit(omitted).extend({ role }).loose(),
  "client.reconnected": client[6].omit(omitted).extend({ role }).loose(),
  "client.disconnected": client[7].omit(omitted).extend({ role }).loose(),
  "client.device_error": client[8].omit(omitted).extend({ role }).loose(),

  // ---------------------------------------------------------------- recordings (LiveKit Egress)
  /** Egress began writing a track to its file (egress_started); the track's sid, whose and which source. */
  "recording.started": obj({
    egressId: id,
    trackSid: z.string().nullable().optional(),
    identity: z.string().nullable().optional(),
    source: z.string().nullable().optional(),
    webhookId: z.string().optional(),
  }),
  /** The file is complete: its length (ms) and size (bytes). */
  "recording.finished": obj({
    egressId: id,
    durationMs: z.number().int().nullable().optional(),
    sizeBytes: z.number().int().nullable().optional(),
    webhookId: z.string().optional(),
  }),
  /** Egress failed or was aborted; what it said, and what it had recorded until then. */
  "recording.failed": obj({
    egressId: id,
    error: z.string(),
    durationMs: z.number().int().nullable().optional(),
    sizeBytes: z.number().int().nullable().optional(),
    webhookId: z.string().optional(),
  }),
  /** An egress that died mid-session was replaced (once): the gap between the two files, in ms. */
  "recording.retried": obj({ egressId: id, retryOf: id, trackSid: z.string(), gapMs: z.number().int() }),
  /** Recording was started or stopped by the creator (policy "on request"), announced in the room. */
  "recording.requested": obj({ on: z.boolean(), by: id }),
} as const satisfies Record<string, z.ZodType<Record<string, unknown>>>;

export type TraceEventType = keyof typeof tracePayloads;
export const traceEventTypes = Object.keys(tracePayloads) as TraceEventType[];
/** What a writer passes for `type` (before defaults). */
export type TracePayloadInput<T extends TraceEventType> = z.input<(typeof tracePayloads)[T]>;
/** What a reader gets for `type` once the row passed its schema. */
export type TracePayload<T extends TraceEventType> = z.output<(typeof tracePayloads)[T]>;
export type TraceSourceName = "app" | "stripe" | "livekit" | "client";

export const isTraceEventType = (type: string): type is TraceEventType => Object.hasOwn(tracePayloads, type);

/** The `client.<type>` trace event a diagnostic event becomes. */
export const clientTraceType = <T extends (typeof diagnosticEvent.options)[number]["shape"]["type"]["value"]>(
  type: T,
) => `client.${type}` as const;

/** A stored event read back: its payload typed by its type when it passes the schema, else the raw value and why. */
export type ReadTraceEvent =
  | {
      [T in TraceEventType]: { ok: true; type: T; payload: TracePayload<T> };
    }[TraceEventType]
  | { ok: false; type: string; payload: unknown; problem: string };

/** Checks a stored payload against its type's schema; never throws (old or foreign rows are reported, not trusted). */
export function parseTracePayload(type: string, payload: unknown): ReadTraceEvent {
  if (!isTraceEventType(type)) return { ok: false, type, payload, problem: `unknown event type ${type}` };
  const parsed = tracePayloads[type].safeParse(payload);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return {
      ok: false,
      type,
      payload,
      problem: `${first?.path.join(".") || "payload"}: ${first?.message ?? "invalid"}`,
    };
  }
  return { ok: true, type, payload: parsed.data } as ReadTraceEvent;
}
