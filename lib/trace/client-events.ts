/**
 * What a browser reports about its own connection to a live room (the room page's diagnostics), as
 * sent to POST /api/sessions/:id/diagnostics and as stored on the trace (`client.<type>` events).
 * Pure zod: the room page, the endpoint and the trace all read this one contract.
 */
import { z } from "zod";
import { singleLine } from "@/lib/schemas/text";

export const icePolicy = z.enum(["all", "relay"]);
export type IcePolicy = z.infer<typeof icePolicy>;

/** The client's id for one press of "Join": both attempts of that join (direct, then relay) share it. */
export const joinIdField = singleLine().regex(/^[A-Za-z0-9_-]{8,64}$/, "must be 8–64 letters, digits, - or _");

export const candidateType = z.enum(["host", "srflx", "prflx", "relay"]);

const common = {
  /** When it happened, by the client's clock. */
  at: z.iso.datetime({ offset: true }),
  attempt: z.number().int().min(1).max(2).optional(),
  /** The `seq` of the token this connection used; absent before a token (device errors in the preview). */
  seq: z.number().int().min(1).max(10_000).optional(),
  joinId: joinIdField.optional(),
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
export type DiagnosticType = DiagnosticEvent["type"];
export const diagnosticTypes = diagnosticEvent.options.map((o) => o.shape.type.value) as DiagnosticType[];
