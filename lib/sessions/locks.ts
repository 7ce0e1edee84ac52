import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";

/** The advisory-lock namespace of one participant's connection rows (the two-key form; no other user). */
const PARTICIPANT_LOCK = 7_301;

/**
 * Serialises the writers of one participant's connection rows in one room (a token being issued, LiveKit's
 * webhooks about them) until the caller's transaction ends, so that numbering a new connection and
 * matching an event to its row never race. Per participant, not per room: in a show, a hundred viewers
 * joining at once do not queue behind each other (the room's row lock did, for every token and every
 * join webhook). Events about the room itself still lock the room's row.
 */
export async function lockParticipantConnections(
  tx: Prisma.TransactionClient,
  roomSessionId: string,
  identity: string,
) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${PARTICIPANT_LOCK}::int, hashtext(${`${roomSessionId}:${identity}`}))`;
}
