import { z } from "zod";
import { SERVER_TOPIC, type ServerMessage } from "@/lib/sessions/schemas";

const isoTime = z.iso.datetime({ offset: true });

/** The messages the app's server sends into a room; anything else on the topic is ignored. */
const serverMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("closing_soon"), endsAt: isoTime, closesAt: isoTime }),
  z.object({ type: z.literal("closed") }),
  z.object({
    type: z.literal("tip"),
    tipId: z.string(),
    from: z.string(),
    amountCents: z.number().int(),
    currency: z.string(),
    message: z.string().nullable(),
  }),
  z.object({
    type: z.literal("chat"),
    id: z.string(),
    userId: z.string(),
    name: z.string(),
    body: z.string(),
    at: isoTime,
  }),
  z.object({ type: z.literal("chat_deleted"), id: z.string() }),
  z.object({ type: z.literal("chat_muted"), userId: z.string() }),
  z.object({ type: z.literal("stage"), version: z.number() }),
  z.object({ type: z.literal("removed"), userId: z.string(), reason: z.string() }),
  z.object({ type: z.literal("recording"), on: z.boolean() }),
]) satisfies z.ZodType<ServerMessage>;

/**
 * A data message from the app's server, or null. The server sends through LiveKit's API, so its packets
 * carry no participant: anything a participant sent (the SFU stamps the sender's identity on it) is
 * not the server's word, whatever it says, and neither is a payload of another shape.
 */
export function readServerMessage(
  payload: Uint8Array,
  from: { topic?: string; participant?: unknown; participantIdentity?: string },
): ServerMessage | null {
  if (from.topic !== SERVER_TOPIC || from.participant || from.participantIdentity) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload));
  } catch {
    return null;
  }
  const parsed = serverMessage.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
