import "server-only";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { BookingStatus } from "@/lib/generated/prisma/enums";
import { expirePendingPayments } from "@/lib/payments/ledger";
import { traceRow } from "@/lib/trace/service";
import { assertTransition } from "./state";

type Tx = Prisma.TransactionClient;

/**
 * The one way bookings.status changes: checked against the state machine (lib/bookings/state.ts), written
 * only if the row is still in the state the caller read (the caller holds the booking's lock).
 */
export async function transitionBooking(
  tx: Tx,
  booking: { id: string; status: BookingStatus },
  to: BookingStatus,
  data: Omit<Prisma.BookingUncheckedUpdateManyInput, "status"> = {},
) {
  assertTransition(booking.status, to);
  const { count } = await tx.booking.updateMany({
    where: { id: booking.id, status: booking.status },
    data: { ...data, status: to },
  });
  if (count !== 1) throw new Error(`booking ${booking.id} changed under its lock (expected ${booking.status})`);
}

/**
 * Releases holds whose time ran out (optionally only those of one creator overlapping one range): the
 * booking turns expired (pending_payment → expired, checked), its payment (never completed) expired, and
 * the trace says so. Run in the transaction that wants the time, and by the sweeper.
 */
export async function expireLapsedHolds(tx: Tx, scope?: { creatorId: string; startsAt: Date; endsAt: Date }) {
  assertTransition("pending_payment", "expired");
  const released = scope
    ? await tx.$queryRaw<{ id: string; traceId: string }[]>`
        UPDATE bookings SET status = 'expired', "holdsSlot" = false, "updatedAt" = timezone('utc', now())
        WHERE status = 'pending_payment' AND "holdsSlot" AND "holdExpiresAt" <= timezone('utc', now())
          AND "creatorId" = ${scope.creatorId}
          AND tsrange("startsAt", "endsAt", '[)') && tsrange(${scope.startsAt}::timestamp, ${scope.endsAt}::timestamp, '[)')
        RETURNING id, "traceId"`
    : await tx.$queryRaw<{ id: string; traceId: string }[]>`
        UPDATE bookings SET status = 'expired', "holdsSlot" = false, "updatedAt" = timezone('utc', now())
        WHERE status = 'pending_payment' AND "holdsSlot" AND "holdExpiresAt" <= timezone('utc', now())
        RETURNING id, "traceId"`;
  if (released.length === 0) return 0;
  await expirePendingPayments(
    tx,
    "booking",
    released.map((r) => r.id),
  );
  await tx.traceEvent.createMany({
    data: released.map((r) =>
      traceRow({
        traceId: r.traceId,
        type: "booking.expired",
        source: "app",
        payload: { bookingId: r.id, reason: "hold_lapsed" },
      }),
    ),
  });
  return released.length;
}

/** The sweeper's pass: every lapsed hold, everywhere. */
export function sweepLapsedHolds() {
  return db.$transaction((tx) => expireLapsedHolds(tx));
}
