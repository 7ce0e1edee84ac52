/**
 * The booking state machine and its named status sets (pure). Every write of bookings.status goes
 * through `transitionBooking` (lib/bookings/transition.ts), which checks this table first, so an event
 * that would move a booking illegally is caught, not applied.
 *
 *   pending_payment ──paid──▶ confirmed ──▶ completed
 *        │                      │  └──▶ cancelled (viewer, creator or admin)
 *        ├─hold lapsed / checkout expired / payment failed──▶ expired ──late payment, slot still free──▶ confirmed
 *        └─buyer gave up──▶ cancelled
 *   any paid state ──dispute──▶ disputed ──dispute won──▶ the state it had before
 */
import type { BookingStatus } from "@/lib/generated/prisma/enums";

const transitions: Record<BookingStatus, readonly BookingStatus[]> = {
  pending_payment: ["confirmed", "expired", "cancelled"],
  expired: ["confirmed"],
  confirmed: ["completed", "cancelled", "disputed"],
  completed: ["disputed"],
  cancelled: ["disputed"],
  // A dispute the platform wins puts the booking back where it was.
  disputed: ["confirmed", "completed", "cancelled"],
};

export function canTransition(from: BookingStatus, to: BookingStatus) {
  return transitions[from].includes(to);
}

export class IllegalTransition extends Error {
  constructor(
    readonly from: BookingStatus,
    readonly to: BookingStatus,
  ) {
    super(`booking cannot go from ${from} to ${to}`);
    this.name = "IllegalTransition";
  }
}

export function assertTransition(from: BookingStatus, to: BookingStatus) {
  if (!canTransition(from, to)) throw new IllegalTransition(from, to);
}

/** True while a booking occupies its time on the creator's calendar. */
export function occupiesSlot(status: BookingStatus, holdExpiresAt: Date | null, now: Date) {
  if (status === "confirmed") return true;
  return status === "pending_payment" && holdExpiresAt !== null && holdExpiresAt > now;
}

/** Paid for: confirmed, done, or disputed (the session was paid; the dispute is about the money). */
export const PAID_BOOKING: ReadonlySet<BookingStatus> = new Set(["confirmed", "completed", "disputed"]);
/** Paid and not settled yet: the session's room is still to be opened, warned, closed and settled. */
export const AWAITING_SESSION: readonly BookingStatus[] = ["confirmed", "disputed"];
/** Shown to the creator as bookings (a lapsed hold or an unpaid one is not a booking yet). */
export const CREATOR_VISIBLE: readonly BookingStatus[] = ["confirmed", "completed", "cancelled", "disputed"];
