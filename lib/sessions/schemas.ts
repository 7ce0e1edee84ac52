import { z } from "zod";
import { singleLine } from "@/lib/schemas/text";
import { diagnosticEvent, type IcePolicy, icePolicy, joinIdField } from "@/lib/trace/client-events";
import { MAX_DIAGNOSTIC_EVENTS, MAX_DIAGNOSTICS_BODY, REMOVED_FOR_ATTRIBUTE, SERVER_TOPIC } from "./room-constants";

export { MAX_DIAGNOSTIC_EVENTS, MAX_DIAGNOSTICS_BODY, REMOVED_FOR_ATTRIBUTE, SERVER_TOPIC };

/**
 * Contracts of the live-session API, shared by the routes, the room page and the tests.
 * A "session" is a confirmed private booking; its id is the booking id.
 */

const joinId = joinIdField;

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
  /** The private session's booking, or the group show, the token is for. */
  bookingId: z.string().optional(),
  showId: z.string().optional(),
  attempt: z.number().int().min(1).max(2),
  /** The participant-connection row this token belongs to (its `attempt` column). */
  seq: z.number().int().min(1),
  policy: icePolicy,
  joinId: z.string().nullable(),
});
export type ParticipantMetadata = z.infer<typeof participantMetadata>;

export type ServerMessage =
  | { type: "closing_soon"; endsAt: string; closesAt: string }
  | { type: "closed" }
  /** A tip confirmed by Stripe's signed webhook (private sessions and shows). */
  | { type: "tip"; tipId: string; from: string; amountCents: number; currency: string; message: string | null }
  /** Group shows: the chat, the stage queue, a viewer count, and why someone was removed. */
  | { type: "chat"; id: string; userId: string; name: string; body: string; at: string }
  | { type: "chat_deleted"; id: string }
  | { type: "chat_muted"; userId: string }
  | { type: "stage"; version: number }
  | { type: "removed"; userId: string; reason: string }
  /** A recording of the room started (on) or the last one ended (off): every participant shows it. */
  | { type: "recording"; on: boolean };

// ---------------------------------------------------------------- client diagnostics

/** POST /api/sessions/:id/diagnostics */
export const diagnosticsBatch = z.object({
  /** The client's id for this batch: a batch sent again (a retry after a lost answer) is stored once. */
  batchId: singleLine()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, "must be 8–64 letters, digits, - or _")
    .optional(),
  /** The page's clock (Booth's, as synced from round trips) when it sent the batch; informational, never used to shift events. */
  sentAt: z.iso.datetime({ offset: true }).optional(),
  events: z
    .array(diagnosticEvent)
    .min(1, "send at least one event")
    .max(MAX_DIAGNOSTIC_EVENTS, `send at most ${MAX_DIAGNOSTIC_EVENTS} events per batch`),
});
export type DiagnosticsBatch = z.infer<typeof diagnosticsBatch>;

/** A supervisor's identity in a LiveKit room: never a user id, so no room rule takes them for a participant. */
export const SUPERVISOR_PREFIX = "supervisor:";
export const supervisorIdentity = (adminId: string) => `${SUPERVISOR_PREFIX}${adminId}`;
export const isSupervisorIdentity = (identity: string) => identity.startsWith(SUPERVISOR_PREFIX);

/** POST /api/admin/supervise: the private session (booking) or the show whose live room to watch. */
export const superviseInput = z
  .object({
    bookingId: singleLine().trim().min(1).max(100).optional(),
    eventId: singleLine().trim().min(1).max(100).optional(),
  })
  .refine((v) => Boolean(v.bookingId) !== Boolean(v.eventId), {
    message: "Name either the booking or the show to watch",
    path: ["bookingId"],
  });
