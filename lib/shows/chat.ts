import "server-only";
import type { Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { enqueueEffect, nudgeEffects } from "@/lib/ops/outbox";
import { takeBudget } from "@/lib/rate-limit";
import { appendTrace } from "@/lib/trace/service";
import { broadcast } from "@/lib/sessions/room-effects";
import { showParty } from "./live";
import { chatMessageInput } from "./schemas";

/**
 * A show's chat goes through Booth: a message is checked (length, a muted chatter, the sender's budget),
 * stored with the room session and the sender's trace, and only then sent into the room by the server
 * (the audience's tokens publish no data). New joiners read the recent history from here.
 */
const HISTORY = 50;

/** The show's people (its creator, a paid ticket holder) and its staff (the creator, an admin of its brand). */
async function chatRoom(actor: Actor, eventId: string) {
  const party = await showParty(actor, eventId);
  if (!party) throw new AppError("not_found", "No such show.");
  // showParty finds a show only on the actor's own brand (every brand for a platform admin), so any admin
  // who gets here is an admin of the show's brand.
  const staff = party.role === "creator" || actor.role === "admin";
  if (!party.role && !staff) throw new AppError("forbidden", "Join with a ticket to read and write the chat.");
  const rs = await db.roomSession.findUnique({
    where: { groupEventId: eventId },
    select: { id: true, roomName: true, closedAt: true },
  });
  return { party, rs, staff };
}

export async function sendChat(actor: Actor, eventId: string, raw: unknown) {
  const { body } = chatMessageInput.parse(raw);
  const { party, rs } = await chatRoom(actor, eventId);
  if (!rs || rs.closedAt || party.show.status !== "live")
    throw new AppError("conflict", "The chat opens when the show is live.");
  const muted = await db.chatMute.findUnique({
    where: { roomSessionId_userId: { roomSessionId: rs.id, userId: actor.id } },
  });
  if (muted)
    throw new AppError("forbidden", "You were muted in this chat by the show's host.").withDetails({ reason: "muted" });
  await takeBudget("chat", `${actor.id}:${eventId}`);
  const traceId = party.traceId ?? party.show.traceId;
  const message = await db.$transaction(async (tx) => {
    const m = await tx.chatMessage.create({
      data: { roomSessionId: rs.id, userId: actor.id, body },
      select: { id: true, createdAt: true },
    });
    await appendTrace(
      {
        traceId,
        type: "chat.sent",
        source: "app",
        actorId: actor.id,
        payload: { messageId: m.id, roomSessionId: rs.id, length: body.length },
      },
      tx,
    );
    const out = {
      type: "chat" as const,
      id: m.id,
      userId: actor.id,
      name: actor.name,
      body,
      at: m.createdAt.toISOString(),
    };
    await enqueueEffect(tx, broadcast, { roomName: rs.roomName, message: out }, { key: `chat:${m.id}`, traceId });
    return out;
  });
  nudgeEffects();
  return message;
}

/** The recent messages (not deleted), oldest first: what a new joiner sees. */
export async function listChat(actor: Actor, eventId: string) {
  const { rs } = await chatRoom(actor, eventId);
  if (!rs) return { messages: [] };
  const rows = await db.chatMessage.findMany({
    where: { roomSessionId: rs.id, deletedAt: null },
    orderBy: { createdAt: "desc" },
    take: HISTORY,
    select: { id: true, userId: true, body: true, createdAt: true, user: { select: { name: true } } },
  });
  return {
    messages: rows
      .reverse()
      .map((m) => ({ id: m.id, userId: m.userId, name: m.user.name, body: m.body, at: m.createdAt.toISOString() })),
  };
}
