import type { Prisma } from "@/lib/generated/prisma/client";

/**
 * A kind of live room (a private session's, a group show's): how a LiveKit room name maps to Booth's room
 * session and trace, and who a participant is. The LiveKit webhook and the diagnostics endpoint work on a
 * resolved room; each feature implements its kind (lib/sessions/private-room.ts, lib/shows/room-kind.ts),
 * and lib/runtime/rooms.ts lists them, as it lists purchase kinds.
 */
type Tx = Prisma.TransactionClient;

export type RoomParty = {
  /** Which side of the room they are on; null for an identity Booth gave no token (nobody's connection). */
  side: "viewer" | "creator" | null;
  /** The trace their events go on (a booking's; a ticket's; the show's for its creator). */
  traceId: string;
};

export type ResolvedRoom = {
  /** The trace of the room's own events (started, finished). */
  traceId: string;
  /** The room-session row (created on first need, inside the webhook's transaction). */
  roomSession(tx: Tx): Promise<{ id: string }>;
  party(tx: Tx, identity: string): Promise<RoomParty>;
};

export type RoomKind = { resolve(roomName: string): Promise<ResolvedRoom | null> };
export type Rooms = { resolve(roomName: string): Promise<ResolvedRoom | null> };

/** The room kinds a webhook may be about: the first that recognises the name answers. */
export function roomRegistry(kinds: readonly RoomKind[]): Rooms {
  return {
    async resolve(roomName) {
      for (const k of kinds) {
        const room = await k.resolve(roomName);
        if (room) return room;
      }
      return null;
    },
  };
}
