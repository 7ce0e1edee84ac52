import "server-only";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

type Tx = Prisma.TransactionClient;

/**
 * Releases holds whose time ran out (optionally only those of one creator overlapping one range):
 * the booking turns expired, its payment (never completed) expired, and the trace says so. Run in the
 * transaction that wants the time, and by the sweeper.
 */
export async function releaseLapsedHolds(tx: Tx, scope?: { creatorId: string; startsAt: Date; endsAt: Date }) {
  const released = scope
    ? await tx.$queryRaw<{ id: string; traceId: string }[]>`
        UPDATE bookings SET status = 'expired', "holdsSlot" = false, "updatedAt" = timezone('utc', now())
        WHERE status = 'pending_payment' AND "holdsSlot" AND "holdExpiresAt" <= timezone('utc', now())
          AND "creatorId" = ${scope.creatorId} AND tsrange("startsAt", "endsAt", '[)') && tsrange(${scope.startsAt}::timestamp, ${scope.endsAt}::timestamp, '[)')
        RETURNING id, "traceId"`
    : await tx.$queryRaw<{ id: string; traceId: string }[]>`
        UPDATE bookings SET status = 'expired', "holdsSlot" = false, "updatedAt" = timezone('utc', now())
        WHERE status = 'pending_payment' AND "holdsSlot" AND "holdExpiresAt" <= timezone('utc', now())
        RETURNING id, "traceId"`;
  if (released.length === 0) return 0;
  await tx.payment.updateMany({
    where: { bookingId: { in: released.map((r) => r.id) }, status: "pending" },
    data: { status: "expired" },
  });
  await tx.traceEvent.createMany({
    data: released.map((r) => ({
      traceId: r.traceId,
      type: "booking.expired",
      source: "app" as const,
      payload: { bookingId: r.id, reason: "hold_lapsed" },
      occurredAt: new Date(),
      schemaVersion: 1,
    })),
  });
  return released.length;
}

/** The sweeper's pass: every lapsed hold, everywhere. */
export function sweepLapsedHolds() {
  return db.$transaction((tx) => releaseLapsedHolds(tx));
}
