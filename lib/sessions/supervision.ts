import "server-only";
import { appendAudit } from "@/lib/audit/service";
import { assertRole, type Actor, inActorsBrand } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logger";
import { takeBudget } from "@/lib/rate-limit";
import { appendTrace } from "@/lib/trace/service";
import { publicLivekitUrl, signSupervisorToken } from "./livekit";
import { SUPERVISOR_PREFIX, superviseInput, supervisorIdentity } from "./schemas";

type Tx = Prisma.TransactionClient;

/** How long a watch link lasts; the admin asks again for more. */
const SUPERVISION_TTL_SECONDS = 60 * 60;

/**
 * Supervision: an admin watches a live private session or group show unseen. The grant is LiveKit's hidden,
 * subscribe-only kind (hidden, no publishing, no data; livekit-server keeps hidden participants out of
 * everyone else's participant list), issued only to admins (with their second factor), for a room that is
 * open and of their brand (any brand's for a platform admin). The grant is an audit row and an event on the
 * room's trace, written before the token is returned; the join and the leave are audit rows too, written as
 * LiveKit reports them (lib/sessions/webhook.ts).
 */
export async function superviseRoom(actor: Actor, raw: unknown, now = new Date()) {
  assertRole(actor, ["admin"]);
  const input = superviseInput.parse(raw);
  await takeBudget("adminAction", actor.id);
  // A room of the admin's brand (its creator's; any brand's for a platform admin): another brand's room
  // is, to a brand's admin, one that is not open.
  const creator = { user: inActorsBrand(actor) };
  const rs = await db.roomSession.findFirst({
    where: input.bookingId
      ? { bookingId: input.bookingId, booking: { creator } }
      : { groupEventId: input.eventId!, groupEvent: { creator } },
    select: { id: true, roomName: true, traceId: true, closedAt: true, bookingId: true, groupEventId: true },
  });
  if (!rs || rs.closedAt) throw new AppError("conflict", "This room is not open: there is nothing to watch.");
  const identity = supervisorIdentity(actor.id);
  const expiresAt = new Date(now.getTime() + SUPERVISION_TTL_SECONDS * 1000);
  await db.$transaction(async (tx) => {
    await appendAudit(tx, {
      actor,
      action: "room.supervision_granted",
      ...subjectOf(rs),
      details: { roomSessionId: rs.id, roomName: rs.roomName, expiresAt: expiresAt.toISOString() },
    });
    await appendTrace(
      {
        traceId: rs.traceId,
        type: "supervision.granted",
        source: "app",
        actorId: actor.id,
        occurredAt: now,
        payload: { adminId: actor.id, identity, roomName: rs.roomName, expiresAt: expiresAt.toISOString() },
      },
      tx,
    );
  });
  const token = await signSupervisorToken({
    roomName: rs.roomName,
    identity,
    ttlSeconds: SUPERVISION_TTL_SECONDS,
  });
  logger.info({ adminId: actor.id, roomSessionId: rs.id }, "supervision granted");
  return { token, url: publicLivekitUrl(), roomName: rs.roomName, identity, expiresAt: expiresAt.toISOString() };
}

function subjectOf(rs: { bookingId: string | null; groupEventId: string | null; id: string }) {
  return rs.bookingId
    ? ({ subjectType: "booking", subjectId: rs.bookingId } as const)
    : ({ subjectType: "show", subjectId: rs.groupEventId ?? rs.id } as const);
}

/**
 * LiveKit reported a supervisor joining or leaving a room (the webhook's transaction): an audit row naming
 * the admin. The room's trace gets the participant event itself, as for anyone.
 */
export async function recordSupervisorPresence(
  tx: Tx,
  roomSessionId: string,
  identity: string,
  type: "participant_joined" | "participant_left",
) {
  const adminId = identity.slice(SUPERVISOR_PREFIX.length);
  const [admin, rs] = await Promise.all([
    tx.user.findUnique({ where: { id: adminId }, select: { id: true, email: true } }),
    tx.roomSession.findUniqueOrThrow({
      where: { id: roomSessionId },
      select: { id: true, roomName: true, bookingId: true, groupEventId: true },
    }),
  ]);
  await appendAudit(tx, {
    actor: admin,
    action: type === "participant_joined" ? "room.supervision_joined" : "room.supervision_left",
    ...subjectOf(rs),
    details: { roomSessionId: rs.id, roomName: rs.roomName, identity },
  });
}
