import "server-only";
import type { Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import type { BookingStatus } from "@/lib/generated/prisma/enums";
import { sessionWindow } from "./policy";
import { windowConfig } from "./service";

/** What the room page can offer: the pre-join, or why not (yet). */
export type RoomState = "open" | "not_paid" | "not_open_yet" | "ended";

const PAID: ReadonlySet<BookingStatus> = new Set(["confirmed", "completed", "disputed"]);

export function roomState(status: BookingStatus, window: { opensAt: Date; closesAt: Date }, now: Date): RoomState {
  if (!PAID.has(status)) return "not_paid";
  if (status === "completed" || now >= window.closesAt) return "ended";
  if (now < window.opensAt) return "not_open_yet";
  return "open";
}

/**
 * The room page of a private session (id = booking id) for its viewer or creator; null for anyone
 * else, so the page can answer 404 without saying the session exists. The token endpoint remains the
 * authority on joining; this only decides what the page shows.
 */
export async function getRoomPage(actor: Actor, bookingId: string, now = new Date()) {
  const b = await db.booking.findUnique({
    where: { id: bookingId },
    select: {
      id: true, status: true, startsAt: true, endsAt: true, viewerId: true,
      offering: { select: { title: true, kind: true } },
      viewer: { select: { name: true } },
      creator: { select: { userId: true, displayName: true } },
    },
  });
  if (!b || b.offering.kind !== "private_session") return null;
  const role = b.viewerId === actor.id ? "viewer" : b.creator.userId === actor.id ? "creator" : null;
  if (!role) return null;
  const window = sessionWindow(b, windowConfig());
  return {
    bookingId: b.id,
    title: b.offering.title,
    role,
    otherName: role === "viewer" ? b.creator.displayName : b.viewer.name,
    status: b.status,
    state: roomState(b.status, window, now),
    startsAt: b.startsAt.toISOString(),
    endsAt: b.endsAt.toISOString(),
    opensAt: window.opensAt.toISOString(),
    closesAt: window.closesAt.toISOString(),
    warningAt: window.warningAt.toISOString(),
    /** The server's clock at this answer: the page counts down by it, not by the browser's clock. */
    serverNow: now.toISOString(),
  };
}
export type RoomPage = NonNullable<Awaited<ReturnType<typeof getRoomPage>>>;
