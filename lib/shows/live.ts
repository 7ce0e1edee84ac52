import "server-only";
import { type Actor, inActorsBrand } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { enqueueEffect } from "@/lib/ops/outbox";
import { takeBudget } from "@/lib/rate-limit";
import { closeRoomEffect } from "@/lib/sessions/lifecycle";
import { sessionWindow } from "@/lib/sessions/rules/token-policy";
import { type TokenResponse, tokenRequest } from "@/lib/sessions/schemas";
import { recordRoomDiagnostics } from "@/lib/sessions/diagnostics";
import { ensureShowRoomSession, grantRoomToken, windowConfig } from "@/lib/sessions/service";
import { appendTrace } from "@/lib/trace/service";
import { assertCreatorVerified } from "@/lib/verification/gate";
import { ON_SALE } from "./state";
import { transitionShow } from "./transition";

type Tx = Prisma.TransactionClient;

/** Seats for staff beside the audience in a show's LiveKit room: the creator, people on stage, admins. */
export const STAFF_SEATS = 5;

/** Closes a show's room after the caller's commit (outbox): a cancelled show's room, or one at its end. */
export async function closeShowRoomInTx(tx: Tx, eventId: string, at: Date) {
  const rs = await tx.roomSession.findUnique({
    where: { groupEventId: eventId },
    select: { id: true, roomName: true, traceId: true, closedAt: true },
  });
  if (!rs || rs.closedAt) return;
  await enqueueEffect(
    tx,
    closeRoomEffect,
    { roomSessionId: rs.id, roomName: rs.roomName, traceId: rs.traceId, at: at.toISOString() },
    { key: `sessions.close:${rs.id}`, traceId: rs.traceId },
  );
}

/**
 * Who someone is in a show: its creator, a viewer with a paid ticket (the ticket's trace is theirs), or
 * nobody. Checked next to the data on every show endpoint.
 */
export async function showParty(actor: Pick<Actor, "id" | "role" | "brandId">, eventId: string) {
  // A show exists only on its creator's brand: to another brand's account it is a missing one (platform
  // admins see every brand's).
  const show = await db.groupEvent.findFirst({
    where: { id: eventId, creator: { user: inActorsBrand(actor) } },
    include: { creator: { select: { userId: true, displayName: true } }, offering: { select: { title: true } } },
  });
  if (!show) return null;
  if (show.creator.userId === actor.id)
    return { show, role: "creator" as const, traceId: show.traceId, ticketId: null };
  const ticket = await db.ticket.findUnique({
    where: { eventId_viewerId: { eventId, viewerId: actor.id } },
    select: { id: true, status: true, traceId: true },
  });
  if (ticket?.status === "paid") return { show, role: "viewer" as const, traceId: ticket.traceId, ticketId: ticket.id };
  return { show, role: null, traceId: null, ticketId: ticket?.id ?? null, ticketStatus: ticket?.status ?? null };
}

/** Removed from this show's room by its creator or an admin: no new token for it. */
async function removedFromRoom(roomSessionId: string, userId: string) {
  const n = await db.moderationAction.count({
    where: {
      targetUserId: userId,
      type: { in: ["remove_from_room", "ban_from_creator"] },
      details: { path: ["roomSessionId"], equals: roomSessionId },
    },
  });
  return n > 0;
}

/**
 * POST /api/shows/:id/token. The creator gets a token that publishes camera, microphone and screen share; a
 * viewer with a paid ticket gets one that publishes nothing (enforced by livekit-server), unless the creator
 * brought them on stage (camera and microphone). Inside the same window as private sessions; suspended users,
 * people removed from the room and strangers get nothing (a stranger is told the show's room does not exist).
 */
export async function issueShowToken(
  actor: Actor,
  eventId: string,
  raw: unknown,
  now = new Date(),
): Promise<TokenResponse> {
  const input = tokenRequest.parse(raw);
  const party = await showParty(actor, eventId);
  if (!party) throw new AppError("not_found", "No such show.");
  const { show } = party;
  const user = await db.user.findUniqueOrThrow({
    where: { id: actor.id },
    select: { id: true, name: true, status: true },
  });
  if (user.status === "suspended") {
    throw new AppError("suspended", "Your account is suspended, so you cannot join shows.").withDetails({
      reason: "suspended",
    });
  }
  if (!party.role) {
    throw new AppError("forbidden", "Join with a ticket: buy one on the show's page first.").withDetails({
      reason: "not_paid",
    });
  }
  const window = sessionWindow(show, windowConfig());
  if (!ON_SALE.has(show.status) || now >= window.closesAt) {
    const why =
      show.status === "cancelled" ? "This show was cancelled, so its room will not open." : "This show has ended.";
    throw new AppError("forbidden", why).withDetails({ reason: show.status === "cancelled" ? "not_paid" : "ended" });
  }
  if (now < window.opensAt) {
    throw new AppError(
      "forbidden",
      `The room opens ${Math.ceil((window.opensAt.getTime() - now.getTime()) / 60_000)} minutes before the start.`,
    ).withDetails({
      reason: "not_open_yet",
      opensAt: window.opensAt.toISOString(),
    });
  }
  const roomSession = await ensureShowRoomSession(show);
  if (party.role === "viewer" && (await removedFromRoom(roomSession.id, user.id))) {
    throw new AppError("forbidden", "You were removed from this show's room.").withDetails({ reason: "removed" });
  }
  await takeBudget("sessionToken", `${user.id}:${eventId}`);
  if (party.role === "creator") {
    // Going live needs the creator's identity and age check (lib/verification/gate.ts).
    await assertCreatorVerified(user.id);
    await markShowLive(show.id);
  }
  const onStage =
    party.role === "viewer" &&
    (await db.stageRequest.count({ where: { roomSessionId: roomSession.id, userId: user.id, status: "on_stage" } })) >
      0;
  return grantRoomToken({
    user,
    role: party.role,
    input,
    window,
    traceId: party.traceId,
    roomSession,
    metadata: { showId: show.id },
    session: { startsAt: show.startsAt, endsAt: show.endsAt },
    now,
    publish: party.role === "creator" ? "full" : onStage ? "stage" : "audience",
    maxParticipants: show.capacity + STAFF_SEATS,
  });
}

export type ShowRoomState = "open" | "not_open_yet" | "ended" | "cancelled" | "no_ticket";

/** The show's room page: what it offers the asker (null for a stranger to a show that does not exist). */
export async function getShowRoomPage(actor: Actor, eventId: string, now = new Date()) {
  const party = await showParty(actor, eventId);
  if (!party) return null;
  const { show } = party;
  const window = sessionWindow(show, windowConfig());
  const state: ShowRoomState = !party.role
    ? "no_ticket"
    : show.status === "cancelled"
      ? "cancelled"
      : show.status === "ended" || now >= window.closesAt
        ? "ended"
        : now < window.opensAt
          ? "not_open_yet"
          : "open";
  return {
    eventId: show.id,
    title: show.title,
    creatorName: show.creator.displayName,
    creatorUserId: show.creator.userId,
    role: party.role,
    state,
    capacity: show.capacity,
    startsAt: show.startsAt.toISOString(),
    endsAt: show.endsAt.toISOString(),
    opensAt: window.opensAt.toISOString(),
    closesAt: window.closesAt.toISOString(),
    warningAt: window.warningAt.toISOString(),
    currency: show.currency,
    serverNow: now.toISOString(),
  };
}
export type ShowRoomPage = NonNullable<Awaited<ReturnType<typeof getShowRoomPage>>>;

/** The creator opened their show's room: the show is live (once). */
async function markShowLive(eventId: string) {
  await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM group_events WHERE id = ${eventId} FOR UPDATE`;
    const show = await tx.groupEvent.findUniqueOrThrow({
      where: { id: eventId },
      select: { id: true, status: true, traceId: true },
    });
    if (show.status !== "scheduled") return;
    await transitionShow(tx, show, "live");
    await appendTrace({ traceId: show.traceId, type: "show.live", source: "app", payload: { eventId } }, tx);
  });
}

/** POST /api/shows/:id/diagnostics: a participant's reports, on their own trace (a ticket's, or the show's). */
export async function recordShowDiagnostics(actor: Actor, eventId: string, text: string, now = new Date()) {
  const party = await showParty(actor, eventId);
  if (!party) throw new AppError("not_found", "No such show.");
  if (!party.role || !party.traceId)
    throw new AppError("forbidden", "Only this show's creator and ticket holders can report on it.");
  const { show } = party;
  return recordRoomDiagnostics(
    actor,
    {
      key: eventId,
      traceId: party.traceId,
      role: party.role,
      window: sessionWindow(show, windowConfig()),
      reportable: show.status !== "cancelled",
      roomSession: () => ensureShowRoomSession(show),
    },
    text,
    now,
  );
}
