import "server-only";
import { appendAudit } from "@/lib/audit/service";
import { type Actor, isAdminOfBrand } from "@/lib/auth/permissions";
import { getActorOrThrow } from "@/lib/auth/queries";
import { cancelBooking } from "@/lib/bookings/service";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { enqueueEffect, nudgeEffects } from "@/lib/ops/outbox";
import { takeBudget } from "@/lib/rate-limit";
import { appendTrace } from "@/lib/trace/service";
import { broadcast, muteTrack as muteTrackEffect, removeFromRoom } from "@/lib/sessions/room-effects";
import { moderateParticipantInput, muteTrackInput } from "./schemas";
import { cancelTicketByCreator } from "./service";

/**
 * Moderation in a show's room, by its creator or an admin of its brand (or a platform admin): mute a participant's track, remove them (their
 * page says why; their ticket gets no new token for this room), ban them from the creator's future shows
 * and bookings (refused from then on; future tickets and bookings cancelled and refunded), delete a chat
 * message, mute a chatter. Each is a moderation action row and a trace event, written with the change; the
 * LiveKit calls follow the commit through the outbox.
 */
type Tx = Prisma.TransactionClient;
type Action = "mute_track" | "remove_from_room" | "ban_from_creator" | "delete_chat_message" | "mute_chat";

async function moderatedRoom(actor: Actor, eventId: string) {
  const show = await db.groupEvent.findUnique({
    where: { id: eventId },
    select: {
      id: true,
      traceId: true,
      creatorId: true,
      creator: { select: { userId: true, user: { select: { brandId: true } } } },
    },
  });
  const allowed = show && (show.creator.userId === actor.id || isAdminOfBrand(actor, show.creator.user.brandId));
  if (!show || !allowed) throw new AppError("not_found", "No such show.");
  await takeBudget("adminAction", actor.id);
  const rs = await db.roomSession.findUnique({
    where: { groupEventId: eventId },
    select: { id: true, roomName: true },
  });
  return { show, rs };
}

async function record(
  tx: Tx,
  a: {
    actorId: string;
    actorEmail: string;
    targetUserId: string;
    action: Action;
    reason: string | null;
    roomSessionId: string | null;
    traceId: string;
    details?: Prisma.InputJsonObject;
  },
) {
  if (a.targetUserId === a.actorId) throw new AppError("invalid", "You can't do that to yourself.");
  await tx.moderationAction.create({
    data: {
      actorId: a.actorId,
      targetUserId: a.targetUserId,
      type: a.action,
      reason: a.reason,
      details: { roomSessionId: a.roomSessionId, ...(a.details ?? {}) },
    },
  });
  await appendAudit(tx, {
    actor: { id: a.actorId, email: a.actorEmail },
    action: "room.moderated",
    subjectType: "user",
    subjectId: a.targetUserId,
    subjectUserId: a.targetUserId,
    reason: a.reason,
    details: { action: a.action, roomSessionId: a.roomSessionId, traceId: a.traceId },
  });
  await appendTrace(
    {
      traceId: a.traceId,
      type: "moderation.action",
      source: "app",
      actorId: a.actorId,
      payload: { action: a.action, targetUserId: a.targetUserId, reason: a.reason, roomSessionId: a.roomSessionId },
    },
    tx,
  );
}

/** The target's own trace in this show (their ticket's), else the show's. */
/**
 * The trace a moderation of `userId` goes on (their ticket's, else the show's), once the target is checked
 * to be an account of the show's brand: an id from another brand is no participant here.
 */
async function traceOf(
  tx: Tx,
  eventId: string,
  userId: string,
  show: { traceId: string; creator: { user: { brandId: string } } },
) {
  const target = await tx.user.findUnique({ where: { id: userId }, select: { brandId: true } });
  if (!target || target.brandId !== show.creator.user.brandId)
    throw new AppError("not_found", "No such participant in this show.");
  const ticket = await tx.ticket.findUnique({
    where: { eventId_viewerId: { eventId, viewerId: userId } },
    select: { traceId: true },
  });
  return ticket?.traceId ?? show.traceId;
}

export async function muteParticipantTrack(actor: Actor, eventId: string, raw: unknown) {
  const input = muteTrackInput.parse(raw);
  const { show, rs } = await moderatedRoom(actor, eventId);
  if (!rs) throw new AppError("conflict", "The show's room is not open.");
  await db.$transaction(async (tx) => {
    const traceId = await traceOf(tx, eventId, input.userId, show);
    await record(tx, {
      actorId: actor.id,
      actorEmail: actor.email,
      targetUserId: input.userId,
      action: "mute_track",
      reason: input.reason ?? null,
      roomSessionId: rs.id,
      traceId,
      details: { source: input.source },
    });
    await enqueueEffect(
      tx,
      muteTrackEffect,
      { roomName: rs.roomName, identity: input.userId, source: input.source },
      { key: `mute:${rs.id}:${input.userId}:${input.source}:${Date.now()}`, traceId },
    );
  });
  nudgeEffects();
}

export const REMOVED_DEFAULT = "The host removed you from this show.";

export async function removeParticipant(actor: Actor, eventId: string, raw: unknown) {
  const input = moderateParticipantInput.parse(raw);
  const { show, rs } = await moderatedRoom(actor, eventId);
  if (!rs) throw new AppError("conflict", "The show's room is not open.");
  const reason = input.reason || REMOVED_DEFAULT;
  await db.$transaction(async (tx) => {
    const traceId = await traceOf(tx, eventId, input.userId, show);
    await record(tx, {
      actorId: actor.id,
      actorEmail: actor.email,
      targetUserId: input.userId,
      action: "remove_from_room",
      reason,
      roomSessionId: rs.id,
      traceId,
    });
    await tx.stageRequest.updateMany({
      where: { roomSessionId: rs.id, userId: input.userId, status: { not: "ended" } },
      data: { status: "ended", endedAt: new Date(), endReason: "removed" },
    });
    await enqueueEffect(
      tx,
      removeFromRoom,
      { roomName: rs.roomName, identity: input.userId, reason },
      { key: `remove:${rs.id}:${input.userId}:${Date.now()}`, traceId },
    );
  });
  nudgeEffects();
}

/**
 * Bans a viewer from this show's creator: recorded once (creator_bans), removed from the room now, their
 * future tickets to this creator's shows cancelled and refunded, their future bookings with this creator
 * cancelled and refunded in full (as a creator's cancellation). Tickets and bookings are refused from now on.
 */
export async function banFromCreator(actor: Actor, eventId: string, raw: unknown) {
  const input = moderateParticipantInput.parse(raw);
  const { show, rs } = await moderatedRoom(actor, eventId);
  const reason = input.reason || "Banned by the host.";
  await db.$transaction(async (tx) => {
    const traceId = await traceOf(tx, eventId, input.userId, show);
    await tx.creatorBan.upsert({
      where: { creatorId_userId: { creatorId: show.creatorId, userId: input.userId } },
      create: { creatorId: show.creatorId, userId: input.userId, bannedById: actor.id, reason },
      update: {},
    });
    await record(tx, {
      actorId: actor.id,
      actorEmail: actor.email,
      targetUserId: input.userId,
      action: "ban_from_creator",
      reason,
      roomSessionId: rs?.id ?? null,
      traceId,
    });
    if (rs)
      await enqueueEffect(
        tx,
        removeFromRoom,
        {
          roomName: rs.roomName,
          identity: input.userId,
          reason: "The host removed you from this show and from their future shows.",
        },
        { key: `remove:${rs.id}:${input.userId}:ban`, traceId },
      );
  });
  nudgeEffects();
  // Their future purchases from this creator go back, each through its own path (refunds once, by key).
  const now = new Date();
  const target = await getActorOrThrow(input.userId);
  const creatorActor = await getActorOrThrow(show.creator.userId);
  const tickets = await db.ticket.findMany({
    where: {
      viewerId: input.userId,
      status: { in: ["paid", "pending_payment"] },
      event: { creatorId: show.creatorId, startsAt: { gt: now } },
    },
    select: { id: true },
  });
  for (const t of tickets)
    await cancelTicketByCreator(t.id, actor.id, "The creator no longer sells tickets to this account.");
  const bookings = await db.booking.findMany({
    where: {
      viewerId: input.userId,
      creatorId: show.creatorId,
      status: { in: ["confirmed", "pending_payment"] },
      startsAt: { gt: now },
    },
    select: { id: true, status: true },
  });
  for (const b of bookings) {
    await cancelBooking(b.status === "pending_payment" ? target : creatorActor, b.id, {
      reason: "The creator no longer takes bookings from this account.",
    });
  }
  return { refundedTickets: tickets.length, cancelledBookings: bookings.length };
}

export async function deleteChatMessage(actor: Actor, eventId: string, messageId: string) {
  const { show, rs } = await moderatedRoom(actor, eventId);
  if (!rs) throw new AppError("not_found", "No such message.");
  await db.$transaction(async (tx) => {
    const m = await tx.chatMessage.findUnique({ where: { id: messageId } });
    if (!m || m.roomSessionId !== rs.id) throw new AppError("not_found", "No such message.");
    if (m.deletedAt) return;
    await tx.chatMessage.update({ where: { id: messageId }, data: { deletedAt: new Date(), deletedById: actor.id } });
    const traceId = await traceOf(tx, eventId, m.userId, show);
    if (m.userId !== actor.id)
      await record(tx, {
        actorId: actor.id,
        actorEmail: actor.email,
        targetUserId: m.userId,
        action: "delete_chat_message",
        reason: null,
        roomSessionId: rs.id,
        traceId,
        details: { messageId },
      });
    await enqueueEffect(
      tx,
      broadcast,
      { roomName: rs.roomName, message: { type: "chat_deleted", id: messageId } },
      { key: `chat-deleted:${messageId}`, traceId },
    );
  });
  nudgeEffects();
}

export async function muteChatter(actor: Actor, eventId: string, raw: unknown) {
  const input = moderateParticipantInput.parse(raw);
  const { show, rs } = await moderatedRoom(actor, eventId);
  if (!rs) throw new AppError("conflict", "The show's room is not open.");
  await db.$transaction(async (tx) => {
    const traceId = await traceOf(tx, eventId, input.userId, show);
    const existing = await tx.chatMute.findUnique({
      where: { roomSessionId_userId: { roomSessionId: rs.id, userId: input.userId } },
    });
    if (existing) return;
    await tx.chatMute.create({ data: { roomSessionId: rs.id, userId: input.userId, mutedById: actor.id } });
    await record(tx, {
      actorId: actor.id,
      actorEmail: actor.email,
      targetUserId: input.userId,
      action: "mute_chat",
      reason: input.reason ?? null,
      roomSessionId: rs.id,
      traceId,
    });
    await enqueueEffect(
      tx,
      broadcast,
      { roomName: rs.roomName, message: { type: "chat_muted", userId: input.userId } },
      { key: `chat-muted:${rs.id}:${input.userId}`, traceId },
    );
  });
  nudgeEffects();
}
