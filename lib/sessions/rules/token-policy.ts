/** Pure rules of a live session: when its room is open, and who may have a token. */
import type { BookingStatus, UserStatus } from "@/lib/generated/prisma/enums";
import { partyOf } from "@/lib/auth/parties";
import { localTimeLabel } from "@/lib/bookings/slots";
import { PAID_BOOKING } from "@/lib/bookings/state";
import { formatDateTime } from "@/lib/time";
import type { TokenRefusal } from "../schemas";

export type SessionWindowConfig = { joinEarlyMinutes: number; graceMinutes: number; warningMinutes: number };

export type SessionWindow = { opensAt: Date; closesAt: Date; warningAt: Date };

/**
 * The room is open from `joinEarlyMinutes` before the start until `graceMinutes` after the end; both
 * sides are warned `warningMinutes` before the end.
 */
export function sessionWindow(s: { startsAt: Date; endsAt: Date }, c: SessionWindowConfig): SessionWindow {
  const opensAt = new Date(s.startsAt.getTime() - c.joinEarlyMinutes * 60_000);
  const closesAt = new Date(s.endsAt.getTime() + c.graceMinutes * 60_000);
  const warningAt = new Date(s.endsAt.getTime() - c.warningMinutes * 60_000);
  return { opensAt, closesAt, warningAt };
}

/** The room's name in LiveKit: one room per booking. */
export const roomNameFor = (bookingId: string) => `booth-${bookingId}`;
export const bookingIdFromRoom = (roomName: string) => (roomName.startsWith("booth-") ? roomName.slice(6) : null);
/** A group show's room: one per show. */
export const showRoomName = (eventId: string) => `show-${eventId}`;
export type RoomTarget = { kind: "booking"; id: string } | { kind: "show"; id: string };
/** What a LiveKit room of Booth's is for (a private session or a show), from its name; null for any other room. */
export function roomTargetOf(roomName: string): RoomTarget | null {
  const booking = bookingIdFromRoom(roomName);
  if (booking) return { kind: "booking", id: booking };
  return roomName.startsWith("show-") && roomName.length > 5 ? { kind: "show", id: roomName.slice(5) } : null;
}

export type TokenAsk = {
  userId: string;
  userStatus: UserStatus;
  booking: { viewerId: string; creatorUserId: string; status: BookingStatus; startsAt: Date; endsAt: Date };
  now: Date;
  /** The asker's zone, for "opens at 14:50". */
  timeZone: string;
};

export type TokenDecision =
  | { ok: true; role: "viewer" | "creator"; window: SessionWindow }
  | { ok: false; reason: TokenRefusal; message: string; window: SessionWindow };

/**
 * Who gets a token, checked in this order: a participant of the booking, not suspended, the booking
 * paid, inside the join window. Every refusal says why in words the asker can act on.
 */
export function decideToken(ask: TokenAsk, c: SessionWindowConfig): TokenDecision {
  const { booking, now } = ask;
  const window = sessionWindow(booking, c);
  const role = partyOf(ask.userId, booking);
  const refuse = (reason: TokenRefusal, message: string): TokenDecision => ({ ok: false, reason, message, window });
  if (!role)
    return refuse("not_participant", "This session belongs to someone else: only its viewer and creator can join.");
  if (ask.userStatus === "suspended")
    return refuse(
      "suspended",
      "Your account is suspended, so you cannot join sessions. Contact support if you think this is a mistake.",
    );
  if (!PAID_BOOKING.has(booking.status)) {
    const why =
      booking.status === "pending_payment"
        ? "This session is not paid yet: finish the checkout first."
        : booking.status === "cancelled"
          ? "This session was cancelled, so its room will not open."
          : "This session was never paid (the hold lapsed), so its room will not open.";
    return refuse("not_paid", why);
  }
  if (now >= window.closesAt || booking.status === "completed")
    return refuse("ended", `This session ended at ${formatDateTime(booking.endsAt, ask.timeZone)}.`);
  if (now < window.opensAt) {
    const sameDay = localDay(window.opensAt, ask.timeZone) === localDay(now, ask.timeZone);
    const when = sameDay ? localTimeLabel(window.opensAt, ask.timeZone) : formatDateTime(window.opensAt, ask.timeZone);
    return refuse(
      "not_open_yet",
      `The room opens at ${when} in your time zone (${ask.timeZone}), ${c.joinEarlyMinutes} minutes before the start.`,
    );
  }
  return { ok: true, role, window };
}

function localDay(d: Date, timeZone: string) {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
}
