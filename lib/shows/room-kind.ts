import "server-only";
import { db } from "@/lib/db";
import type { RoomKind } from "@/lib/sessions/room-kind";
import { roomTargetOf } from "@/lib/sessions/rules/token-policy";
import { ensureShowRoomSession } from "@/lib/sessions/service";

/**
 * A group show's room (`show-<event id>`): room events go on the show's trace; a viewer's on their ticket's
 * (so each ticket's story holds its own joins and paths); the creator's on the show's.
 */
export const showRoom: RoomKind = {
  async resolve(roomName) {
    const target = roomTargetOf(roomName);
    if (target?.kind !== "show") return null;
    const show = await db.groupEvent.findUnique({
      where: { id: target.id },
      select: { id: true, traceId: true, creator: { select: { userId: true } } },
    });
    if (!show) return null;
    return {
      traceId: show.traceId,
      roomSession: (tx) => ensureShowRoomSession(show, tx),
      party: async (tx, identity) => {
        if (identity === show.creator.userId) return { side: "creator", traceId: show.traceId };
        const ticket = await tx.ticket.findUnique({
          where: { eventId_viewerId: { eventId: show.id, viewerId: identity } },
          select: { traceId: true },
        });
        return ticket ? { side: "viewer", traceId: ticket.traceId } : { side: null, traceId: show.traceId };
      },
    };
  },
};
