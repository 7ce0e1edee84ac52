import "server-only";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { BookingStatus } from "@/lib/generated/prisma/enums";
import { type effectInsertSql, effectWritten } from "@/lib/ops/outbox";
import { expirePendingPayments } from "@/lib/payments/ledger";
import { type TraceEventInput, traceInsertSql, traceRow } from "@/lib/trace/service";
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
 * transitionBooking and the trace event that tells of it, in one statement (a paid checkout's webhook
 * confirms through here): the same state-machine check and the same guard on the status read under the lock.
 * With `effect` (effectInsertSql), the outbox effect that follows the change is written in that statement too.
 */
export async function transitionBookingTraced(
  tx: Tx,
  booking: { id: string; status: BookingStatus },
  to: BookingStatus,
  set: { holdsSlot?: boolean; holdExpiresAt?: Date | null },
  event: TraceEventInput,
  effect?: EffectSql,
) {
  assertTransition(booking.status, to);
  const changed = await tracedUpdate(
    tx,
    Prisma.sql`id = ${booking.id} AND status = ${booking.status}::"BookingStatus"`,
    to,
    set,
    event,
    effect,
  );
  if (!changed) throw new Error(`booking ${booking.id} changed under its lock (expected ${booking.status})`);
}

/**
 * A paid checkout's common case in one statement: the booking still holds its time and waits for this
 * money (pending_payment, holdsSlot), so it is confirmed, with its trace event and the effect that mails
 * it. False, writing nothing, when it is in any other state (the caller then reads it and decides).
 */
export async function confirmHeldBooking(tx: Tx, bookingId: string, event: TraceEventInput, effect: EffectSql) {
  assertTransition("pending_payment", "confirmed");
  return tracedUpdate(
    tx,
    Prisma.sql`id = ${bookingId} AND status = 'pending_payment' AND "holdsSlot"`,
    "confirmed",
    { holdExpiresAt: null },
    event,
    effect,
  );
}

type EffectSql = ReturnType<typeof effectInsertSql>;

async function tracedUpdate(
  tx: Tx,
  where: Prisma.Sql,
  to: BookingStatus,
  set: { holdsSlot?: boolean; holdExpiresAt?: Date | null },
  event: TraceEventInput,
  effect: EffectSql | undefined,
) {
  const sets = [Prisma.sql`status = ${to}::"BookingStatus"`, Prisma.sql`"updatedAt" = timezone('utc', now())`];
  if (set.holdsSlot !== undefined) sets.push(Prisma.sql`"holdsSlot" = ${set.holdsSlot}`);
  if (set.holdExpiresAt !== undefined) sets.push(Prisma.sql`"holdExpiresAt" = ${set.holdExpiresAt}::timestamp`);
  const [row] = await tx.$queryRaw<{ changed: number; effectId: string | null }[]>`
    WITH changed AS (UPDATE bookings SET ${Prisma.join(sets)} WHERE ${where} RETURNING id),
    traced AS (${traceInsertSql(event)} FROM changed RETURNING id)${
      effect
        ? Prisma.sql`,
    effect AS (${effect.insert} FROM changed ${effect.onConflict})`
        : Prisma.empty
    }
    SELECT count(*)::int AS changed, ${effect ? Prisma.sql`(SELECT id FROM effect)` : Prisma.sql`NULL::text`} AS "effectId" FROM changed`;
  if (row?.changed !== 1) return false;
  effectWritten(row.effectId);
  return true;
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
