import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";

export type Tx = Prisma.TransactionClient;
type PaymentWhere = { id?: string | null; checkoutSessionId?: string | null; paymentIntentId?: string | null };
export { refundCeiling } from "@/lib/bookings/policy";

/** Locks a payment row for the rest of the transaction (serialises concurrent events about it). */
export async function lockPayment(tx: Tx, where: PaymentWhere) {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM payments
    WHERE id = ${where.id ?? null} OR "stripeCheckoutSessionId" = ${where.checkoutSessionId ?? null} OR "stripePaymentIntentId" = ${where.paymentIntentId ?? null}
    ORDER BY "createdAt" LIMIT 1 FOR UPDATE`;
  if (!rows[0]) return null;
  return tx.payment.findUniqueOrThrow({ where: { id: rows[0].id } });
}

export async function lockBooking(tx: Tx, id: string) {
  await tx.$queryRaw`SELECT id FROM bookings WHERE id = ${id} FOR UPDATE`;
  return tx.booking.findUniqueOrThrow({ where: { id } });
}

/**
 * Locks a payment's booking first, then the payment: the order every path takes (cancellation,
 * refunds, webhooks), so two transactions about one booking never wait on each other in a cycle.
 */
export async function lockBookingThenPayment(tx: Tx, where: PaymentWhere) {
  const found = await tx.payment.findFirst({
    where: {
      OR: [
        where.id ? { id: where.id } : null,
        where.checkoutSessionId ? { stripeCheckoutSessionId: where.checkoutSessionId } : null,
        where.paymentIntentId ? { stripePaymentIntentId: where.paymentIntentId } : null,
      ].filter((w) => w !== null),
    },
    orderBy: { createdAt: "asc" },
    select: { id: true, bookingId: true },
  });
  if (!found) return null;
  if (found.bookingId) await tx.$queryRaw`SELECT id FROM bookings WHERE id = ${found.bookingId} FOR UPDATE`;
  return lockPayment(tx, { id: found.id });
}

/**
 * Brings payment.refundedCents up to date: the larger of what Booth's refunds add up to and what
 * Stripe last reported for the charge, never more than was paid (a database check enforces that too).
 */
export async function syncRefundedAmount(tx: Tx, paymentId: string, reportedByStripe = 0) {
  const [row] = await tx.$queryRaw<{ refundedCents: number; amountCents: number; status: string }[]>`
    UPDATE payments p SET
      "refundedCents" = LEAST(COALESCE(p."capturedCents", p."amountCents"), GREATEST(p."refundedCents", ${reportedByStripe}::int,
        (SELECT COALESCE(SUM(r."amountCents"), 0)::int FROM refunds r WHERE r."paymentId" = p.id AND r.status = 'succeeded'))),
      "updatedAt" = timezone('utc', now())
    WHERE p.id = ${paymentId}
    RETURNING "refundedCents", COALESCE("capturedCents", "amountCents") AS "amountCents", status::text`;
  if (!row) return null;
  if (row.refundedCents > 0 && ["paid", "partially_refunded", "refunded"].includes(row.status)) {
    await tx.payment.update({
      where: { id: paymentId },
      data: { status: refundStatus(row.refundedCents, row.amountCents) },
    });
  }
  return row;
}

/** The status a settled payment has for its refunded amount. */
export function refundStatus(refundedCents: number, ceilingCents: number) {
  return refundedCents <= 0
    ? ("paid" as const)
    : refundedCents >= ceilingCents
      ? ("refunded" as const)
      : ("partially_refunded" as const);
}

/**
 * A refund that had succeeded failed after all (the card could not take it back): the money is the
 * platform's again, so the refunded total drops by it and the payment can be refunded again.
 */
export async function releaseRefundedAmount(tx: Tx, paymentId: string, cents: number) {
  const [row] = await tx.$queryRaw<{ refundedCents: number; ceiling: number; status: string }[]>`
    UPDATE payments SET "refundedCents" = GREATEST(0, "refundedCents" - ${cents}::int), "updatedAt" = timezone('utc', now())
    WHERE id = ${paymentId}
    RETURNING "refundedCents", COALESCE("capturedCents", "amountCents") AS ceiling, status::text`;
  if (row && ["paid", "partially_refunded", "refunded"].includes(row.status)) {
    await tx.payment.update({
      where: { id: paymentId },
      data: { status: refundStatus(row.refundedCents, row.ceiling) },
    });
  }
}
