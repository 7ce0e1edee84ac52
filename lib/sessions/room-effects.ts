import "server-only";
import { TrackSource } from "livekit-server-sdk";
import { z } from "zod";
import { env } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";
import { defineEffect, type EffectHandlers, enqueueEffect, handle } from "@/lib/ops/outbox";
import { isRoomGone, roomService, sendServerMessage, sendServerMessageTo, setPublishPermission } from "./livekit";
import { REMOVED_FOR_ATTRIBUTE, type ServerMessage } from "./schemas";

const REMOVAL_PAUSE_MS = 500;

/**
 * LiveKit calls on a live room, as outbox effects written in the transaction that decides them (a tip
 * confirmed, a chat message stored, a viewer invited on stage, someone removed): carried out after the
 * commit, retried if livekit-server does not answer, and harmless to repeat. A room that is gone counts as done.
 */
const roomName = z.string().min(1);
export const broadcast = defineEffect(
  "rooms.broadcast",
  z.object({
    roomName,
    message: z.custom<ServerMessage>((v) => typeof v === "object" && v !== null && "type" in v),
    to: z.array(z.string()).optional(),
  }),
);
export const stagePermission = defineEffect(
  "rooms.stage_permission",
  z.object({ roomName, identity: z.string(), onStage: z.boolean() }),
);
export const removeFromRoom = defineEffect(
  "rooms.remove",
  z.object({ roomName, identity: z.string(), reason: z.string() }),
);
export const muteTrack = defineEffect(
  "rooms.mute_track",
  z.object({ roomName, identity: z.string(), source: z.enum(["camera", "microphone", "screen_share"]) }),
);

const goneIsDone = (err: unknown) => {
  if (isRoomGone(err)) return "room gone";
  throw err;
};

const SOURCE_ENUM: Record<string, TrackSource> = {
  camera: TrackSource.CAMERA,
  microphone: TrackSource.MICROPHONE,
  screen_share: TrackSource.SCREEN_SHARE,
};

export const roomEffectHandlers: EffectHandlers = {
  ...handle(broadcast, {
    run: (p) =>
      (p.to ? sendServerMessageTo(p.roomName, p.to, p.message) : sendServerMessage(p.roomName, p.message)).then(
        () => "sent",
        goneIsDone,
      ),
  }),
  ...handle(stagePermission, {
    run: (p) => setPublishPermission(p.roomName, p.identity, p.onStage).then(() => "set", goneIsDone),
  }),
  ...handle(removeFromRoom, {
    run: async (p) => {
      // Say why first (the removed participant's page shows it), then remove them. The reason goes twice: as
      // an attribute of the participant (signalled on the same connection as the removal, so it arrives
      // first) and as a data message (another transport, which can lose the race, hence the short pause).
      await roomService()
        .updateParticipant(p.roomName, p.identity, { attributes: { [REMOVED_FOR_ATTRIBUTE]: p.reason } })
        .catch(() => {});
      await sendServerMessageTo(p.roomName, [p.identity], {
        type: "removed",
        userId: p.identity,
        reason: p.reason,
      }).catch(() => {});
      await new Promise((r) => setTimeout(r, REMOVAL_PAUSE_MS));
      return roomService()
        .removeParticipant(p.roomName, p.identity)
        .then(() => "removed", goneIsDone);
    },
  }),
  ...handle(muteTrack, {
    run: async (p) => {
      const participant = await roomService()
        .getParticipant(p.roomName, p.identity)
        .catch((err: unknown) => (isRoomGone(err) ? null : Promise.reject(err)));
      const track = participant?.tracks.find((t) => t.source === SOURCE_ENUM[p.source]);
      if (!track) return "no such track";
      await roomService().mutePublishedTrack(p.roomName, p.identity, track.sid, true);
      return "muted";
    },
  }),
};

/** What a suspended user reads when they are taken out of a room. */
export const SUSPENDED_REMOVAL = "Your account was suspended, so you were removed from this room.";

/**
 * A suspended user who joins anyway (with a token issued before the suspension, still valid for a few
 * minutes: LiveKit cannot revoke one) is removed as their join is reported. Called with the join webhook.
 */
export async function removeIfSuspendedInTx(
  tx: Prisma.TransactionClient,
  room: { id: string; roomName: string; traceId: string | null },
  identity: string,
  participantSid: string,
) {
  const user = await tx.user.findUnique({ where: { id: identity }, select: { status: true } });
  if (user?.status !== "suspended") return false;
  await enqueueEffect(
    tx,
    removeFromRoom,
    { roomName: room.roomName, identity, reason: SUSPENDED_REMOVAL },
    { key: `remove:${room.id}:${identity}:suspended-join:${participantSid}`, traceId: room.traceId },
  );
  return true;
}

/**
 * Removes a user from every live room they are in (a private session's or a show's), after the commit that
 * suspended them: one effect per room, each saying why. Rooms the server closed already are left alone.
 * "In" is what LiveKit's webhooks recorded, or a token issued within its lifetime: webhooks are best effort
 * (a join whose webhook is late or lost must not keep a suspended user in the room), and removing someone
 * who is not there is a no-op.
 */
export async function removeEverywhereInTx(tx: Prisma.TransactionClient, userId: string, reason: string) {
  const tokenStillValid = new Date(Date.now() - env.SESSION_TOKEN_TTL_SECONDS * 1000);
  const rooms = await tx.roomSession.findMany({
    where: {
      closedAt: null,
      connections: {
        some: { identity: userId, OR: [{ joinedAt: { not: null } }, { tokenIssuedAt: { gte: tokenStillValid } }] },
      },
    },
    select: { id: true, roomName: true, traceId: true },
  });
  for (const r of rooms) {
    await enqueueEffect(
      tx,
      removeFromRoom,
      { roomName: r.roomName, identity: userId, reason },
      { key: `remove:${r.id}:${userId}:suspended:${Date.now()}`, traceId: r.traceId },
    );
  }
  return rooms.length;
}
