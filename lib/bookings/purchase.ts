import "server-only";
import { isExclusionViolation } from "@/lib/errors";
import type { BookingStatus } from "@/lib/generated/prisma/enums";
import type { PurchaseKind, Tx } from "@/lib/payments/purchase";
import { appendTrace } from "@/lib/trace/service";
import { confirmedMailEffect, enqueueBookingEmails } from "./emails";
import { cancellationPolicyText } from "./policy";
import { canTransition } from "./state";
import { confirmHeldBooking, expireLapsedHolds, transitionBooking, transitionBookingTraced } from "./transition";

/**
 * A private booking as a purchase: it holds a time on the creator's calendar (holdsSlot, guarded by the
 * exclusion constraint bookings_no_overlap_guard); paying confirms it; a payment that arrives after the
 * hold lapsed takes the time again if it is still free, or goes back in full.
 */

/** Locks the booking (already held by the money path: re-entrant) and reads what the hooks use, in one statement. */
const lock = async (tx: Tx, id: string) => {
  const [row] = await tx.$queryRaw<
    { id: string; status: BookingStatus; holdsSlot: boolean; creatorId: string; startsAt: Date; endsAt: Date }[]
  >`SELECT id, status::text AS status, "holdsSlot", "creatorId", "startsAt", "endsAt" FROM bookings WHERE id = ${id} FOR UPDATE`;
  if (!row) throw new Error(`booking ${id} not found`);
  return row;
};

const confirmedEvent = (bookingId: string, traceId: string, late: boolean) =>
  ({
    traceId,
    type: "booking.confirmed",
    source: "app",
    payload: {
      bookingId,
      late,
      ...(late ? { explanation: "paid after the hold lapsed; the time was still free" } : {}),
    },
  }) as const;

/** Confirms a booking read under its lock, with its trace event and the effect that mails both sides. */
async function confirm(tx: Tx, booking: { id: string; status: BookingStatus }, traceId: string, late: boolean) {
  await transitionBookingTraced(
    tx,
    booking,
    "confirmed",
    { holdsSlot: true, holdExpiresAt: null },
    confirmedEvent(booking.id, traceId, late),
    confirmedMailEffect(booking.id, traceId),
  );
}

/**
 * Takes the booking's time again after its hold was released. A savepoint keeps the transaction usable
 * when the exclusion constraint refuses (someone else holds an overlapping time).
 */
async function reacquireSlot(tx: Tx, booking: { id: string; creatorId: string; startsAt: Date; endsAt: Date }) {
  await expireLapsedHolds(tx, { creatorId: booking.creatorId, startsAt: booking.startsAt, endsAt: booking.endsAt });
  await tx.$executeRawUnsafe("SAVEPOINT reacquire_slot");
  try {
    await tx.$executeRaw`UPDATE bookings SET "holdsSlot" = true WHERE id = ${booking.id}`;
    await tx.$executeRawUnsafe("RELEASE SAVEPOINT reacquire_slot");
    return true;
  } catch (err) {
    await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT reacquire_slot");
    if (isExclusionViolation(err)) return false;
    throw err;
  }
}

export const bookingPurchase: PurchaseKind = {
  kind: "booking",

  async paid(tx, bookingId, payment) {
    // The common case (it still holds its time, waiting for this money) in one statement; the money path
    // holds the booking's lock, so what that statement finds is what a read here would have found.
    const held = await confirmHeldBooking(
      tx,
      bookingId,
      confirmedEvent(bookingId, payment.traceId, false),
      confirmedMailEffect(bookingId, payment.traceId),
    );
    if (held) return { confirmed: true };
    const booking = await lock(tx, bookingId);
    if (booking.status === "pending_payment" || booking.status === "expired") {
      // The hold lapsed before the money arrived. Take the time again if nobody else has it.
      if (await reacquireSlot(tx, booking)) {
        await confirm(tx, booking, payment.traceId, true);
        return { confirmed: true };
      }
      return {
        confirmed: false,
        refund: {
          reason: "slot_taken_after_hold_expired",
          explanation:
            "The payment arrived after the hold on this time had lapsed and someone else had booked the time meanwhile, so the payment is refunded in full.",
        },
      };
    }
    if (booking.status === "cancelled") {
      return {
        confirmed: false,
        refund: {
          reason: "booking_cancelled_before_payment",
          explanation:
            "The booking had been cancelled before this payment arrived, so the payment is refunded in full.",
        },
      };
    }
    return {
      confirmed: false,
      refund: {
        reason: "duplicate_payment",
        explanation: `The booking was already ${booking.status} through another payment, so this second payment is refunded in full.`,
      },
    };
  },

  async checkoutEnded(tx, bookingId, traceId, at, why) {
    const booking = await lock(tx, bookingId);
    if (booking.status !== "pending_payment") return;
    await transitionBooking(tx, booking, "expired", { holdsSlot: false });
    await appendTrace(
      {
        traceId,
        type: "booking.expired",
        source: why === "checkout_failed" ? "app" : "stripe",
        occurredAt: at,
        payload: { bookingId, reason: why },
      },
      tx,
    );
  },

  async refunded(tx, bookingId, refund) {
    await enqueueBookingEmails(tx, bookingId, {
      kind: "refunded",
      refundId: refund.id,
      amountCents: refund.amountCents,
    });
  },

  async disputeOpened(tx, bookingId) {
    const booking = await lock(tx, bookingId);
    if (canTransition(booking.status, "disputed")) await transitionBooking(tx, booking, "disputed");
    return booking.status;
  },

  async disputeClosed(tx, bookingId, { won, statusBefore }) {
    const booking = await lock(tx, bookingId);
    if (!won) {
      if (canTransition(booking.status, "disputed")) await transitionBooking(tx, booking, "disputed");
      return;
    }
    const to = statusBefore as BookingStatus | null;
    if (booking.status === "disputed" && to && canTransition("disputed", to)) await transitionBooking(tx, booking, to);
  },

  async summary(tx, bookingId) {
    const b = await tx.booking.findUniqueOrThrow({
      where: { id: bookingId },
      select: {
        startsAt: true,
        freeCancellationHours: true,
        offering: { select: { title: true, durationMinutes: true } },
        creator: { select: { displayName: true } },
      },
    });
    return {
      title: `${b.offering.title} with ${b.creator.displayName}`,
      lines: [
        { label: "Session", text: `${b.offering.title} with ${b.creator.displayName}` },
        { label: "When", at: b.startsAt },
        { label: "Length", text: `${b.offering.durationMinutes} min` },
      ],
      returnPath: `/bookings/${bookingId}`,
      policy: cancellationPolicyText(b.freeCancellationHours),
    };
  },
};
