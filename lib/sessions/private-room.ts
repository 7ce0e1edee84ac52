import "server-only";
import { partyOf } from "@/lib/auth/parties";
import { db } from "@/lib/db";
import type { RoomKind } from "./room-kind";
import { bookingIdFromRoom, roomNameFor } from "./rules/token-policy";
import { ensureRoomSession } from "./service";

/** A private session's room (`booth-<booking id>`): the booking's trace, its viewer and creator. */
export const privateRoom: RoomKind = {
  async resolve(roomName) {
    const bookingId = bookingIdFromRoom(roomName);
    if (!bookingId) return null;
    const booking = await db.booking.findUnique({
      where: { id: bookingId },
      select: { id: true, traceId: true, viewerId: true, creator: { select: { userId: true } } },
    });
    if (!booking || roomNameFor(booking.id) !== roomName) return null;
    return {
      traceId: booking.traceId,
      roomSession: (tx) => ensureRoomSession(booking, tx),
      party: async (_tx, identity) => ({
        side: partyOf(identity, { viewerId: booking.viewerId, creatorUserId: booking.creator.userId }),
        traceId: booking.traceId,
      }),
    };
  },
};
