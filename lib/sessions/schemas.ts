import { z } from "zod";
import { singleLine } from "@/lib/schemas/text";

/**
 * Contracts of the live-session API, shared by the routes, the room page and the tests.
 * A "session" is a confirmed private booking; its id is the booking id.
 */

export const icePolicy = z.enum(["all", "relay"]);
export type IcePolicy = z.infer<typeof icePolicy>;

/** The client's id for one press of "Join": both attempts of that join (direct, then relay) share it. */
const joinId = singleLine().regex(/^[A-Za-z0-9_-]{8,64}$/, "must be 8–64 letters, digits, - or _");

/** POST /api/sessions/:id/token */
export const tokenRequest = z.object({
  /** 1 = the direct attempt; 2 = the relay retry. */
  attempt: z.number().int().min(1).max(2).default(1),
  policy: icePolicy.optional(),
  joinId: joinId.optional(),
  /** The browser's IANA zone, so a refusal can say "opens at 14:50" in the asker's own time. */
  timeZone: singleLine().max(64).optional(),
});
export type TokenRequest = z.input<typeof tokenRequest>;

export type TokenResponse = {
  token: string;
  /** Where the browser connects (LIVEKIT_PUBLIC_URL or LIVEKIT_URL). */
  url: string;
  roomName: string;
  identity: string;
  role: "viewer" | "creator";
  attempt: number;
  /** This connection's number among all of this participant's connections to the room (sent back in diagnostics). */
  seq: number;
  policy: IcePolicy;
  joinId: string | null;
  expiresAt: string;
  session: { startsAt: string; endsAt: string; opensAt: string; closesAt: string; warningAt: string };
  connect: { directWindowMs: number; relayWindowMs: number };
  /** The server's clock when the token was issued: clients count down by it, not by their own clock. */
  serverTime: string;
};

/** Why a token was refused: the `details.reason` of the 403. */
export type TokenRefusal = "not_participant" | "not_paid" | "not_open_yet" | "ended" | "suspended";
/** Refusals answered with 403 and their reason; a stranger (not_participant) is told the session does not exist (404). */

/** Metadata carried in the LiveKit token (and so on the participant, in webhooks). */
export const participantMetadata = z.object({
  role: z.enum(["viewer", "creator"]),
  bookingId: z.string(),
  attempt: z.number().int().min(1).max(2),
  /** The participant-connection row this token belongs to (its `attempt` column). */
  seq: z.number().int().min(1),
  policy: icePolicy,
  joinId: z.string().nullable(),
});
export type ParticipantMetadata = z.infer<typeof participantMetadata>;

/** Data messages the server sends into a room, on this topic. */
export const SERVER_TOPIC = "booth.session";
export type ServerMessage = { type: "closing_soon"; endsAt: string; closesAt: string } | { type: "closed" };

// ---------------------------------------------------------------- client diagnostics

export const candidateType = z.enum(["host", "srflx", "prflx", "relay"]);

const common = {
  /** When it happened, by the client's clock. */
  at: z.iso.datetime({ offset: true }),
  attempt: z.number().int().min(1).max(2).optional(),
  /** The `seq` of the token this connection used; absent before a token (device errors in the preview). */
  seq: z.number().int().min(1).max(10_000).optional(),
  joinId: joinId.optional(),
};
const shortText = (max: number) => singleLine().max(max);

export const diagnosticEvent = z.discriminatedUnion("type", [
  z.object({ ...common, type: z.literal("token_received"), policy: icePolicy }),
  z.object({ ...common, type: z.literal("signal_connected") }),
  z.object({
    ...common,
    type: z.literal("ice_selected"),
    localCandidateType: candidateType,
    remoteCandidateType: candidateType.optional(),
    /** The transport of the selected pair. */
    protocol: z.enum(["udp", "tcp"]),
    /** How the relay was reached, when the local candidate is a relay. */
    relayProtocol: z.enum(["udp", "tcp", "tls"]).nullable().optional(),
    relayUrl: shortText(200).optional(),
  }),
  /** The first decoded remote video frame: ms since the press of "Join". */
  z.object({ ...common, type: z.literal("first_media"), msFromJoin: z.number().int().min(0).max(3_600_000) }),
  /** An attempt given up: `signaling` (never reached the server) or `ice` (no media path in the window). */
  z.object({
    ...common,
    type: z.literal("attempt_failed"),
    stage: z.enum(["signaling", "ice"]),
    afterMs: z.number().int().min(0).max(600_000),
    message: shortText(300).optional(),
  }),
  z.object({ ...common, type: z.literal("reconnecting") }),
  z.object({ ...common, type: z.literal("reconnected") }),
  z.object({ ...common, type: z.literal("disconnected"), reason: shortText(64) }),
  z.object({
    ...common,
    type: z.literal("device_error"),
    device: z.enum(["camera", "microphone"]),
    /** denied: permission refused; not_found: no such device; busy: another app holds it. */
    error: z.enum(["denied", "not_found", "busy", "other"]),
    name: shortText(64).optional(),
  }),
]);
export type DiagnosticEvent = z.infer<typeof diagnosticEvent>;

export const MAX_DIAGNOSTIC_EVENTS = 50;
/** Bytes; a larger body gets 413 before it is parsed. */
export const MAX_DIAGNOSTICS_BODY = 16_384;

/** POST /api/sessions/:id/diagnostics */
export const diagnosticsBatch = z.object({
  /** The client's id for this batch: a batch sent again (a retry after a lost answer) is stored once. */
  batchId: singleLine()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, "must be 8–64 letters, digits, - or _")
    .optional(),
  /** The client's clock when it sent the batch: the server shifts every event by (received − sentAt). */
  sentAt: z.iso.datetime({ offset: true }).optional(),
  events: z
    .array(diagnosticEvent)
    .min(1, "send at least one event")
    .max(MAX_DIAGNOSTIC_EVENTS, `send at most ${MAX_DIAGNOSTIC_EVENTS} events per batch`),
});
export type DiagnosticsBatch = z.infer<typeof diagnosticsBatch>;

/** GET /api/admin/sessions?q= : the search box of the support page. */
export const sessionSearch = z.object({ q: singleLine().trim().min(2, "type at least 2 characters").max(200) });

/** GET /admin/metrics?from=&to= (dates, inclusive). */
export const metricsPeriod = z.object({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});
