import "server-only";
import { privateRoom } from "@/lib/sessions/private-room";
import { roomRegistry } from "@/lib/sessions/room-kind";
import { showRoom } from "@/lib/shows/room-kind";

/** The kinds of live room LiveKit's webhooks and the browsers' diagnostics can be about. */
export const rooms = roomRegistry([privateRoom, showRoom]);
