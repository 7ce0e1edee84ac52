import "server-only";
import { type Payment, Prisma } from "@/lib/generated/prisma/client";
import type { PaymentStatus } from "@/lib/generated/prisma/enums";
import { DuplicateEvent, type EventClaim, recordEventSql } from "@/lib/ops/processed-events";
import { type TraceEventInput, traceInsertSql } from "@/lib/trace/service";
import { assertPaymentTransition, BY_REFUNDS, REFUNDABLE, refundStatus } from "./payment-state";
import { type PurchaseKindName, type PurchaseRef, purchaseColumn, purchaseOf, type Tx } from "./purchase";

/**
 * The ledger's locks and writes. Lock order, taken by every path that changes money (checkout, webhook
 * events, refunds, cancellations, settlement): the purchase's row first, then its payment's. Two
 * transactions about one purchase therefore never wait on each other in a cycle.
 */

const tables: Record<PurchaseKindName, string> = { booking: "bookings", ticket: "tickets", tip: "tips" };

/** Locks a purchase's row for the rest of the transaction. */
export async function lockPurchase(tx: Tx, ref: PurchaseRef) {
  await tx.$queryRaw(Prisma.sql`SELECT id FROM ${Prisma.raw(tables[ref.kind])} WHERE id = ${ref.id} FOR UPDATE`);
}

export type PaymentWhere = { id?: string | null; checkoutSessionId?: string | null; paymentIntentId?: string | null };

/**
 * Finds the payment a Stripe object or a person names, locks its purchase and then the payment, and returns
 * the payment as it is under the locks. Null when Booth has no such payment.
 *
 * With an event `claim` not yet made (a webhook handler's first statement), the event is recorded once in
 * the same statement, before anything is looked up or locked; when it was recorded already, this throws
 * DuplicateEvent (the caller's transaction rolls back and the delivery is a duplicate).
 */
export async function lockPurchaseThenPayment(tx: Tx, where: PaymentWhere, claim?: EventClaim) {
  const or = [
    where.id ? Prisma.sql`id = ${where.id}` : null,
    where.checkoutSessionId ? Prisma.sql`"stripeCheckoutSessionId" = ${where.checkoutSessionId}` : null,
    where.paymentIntentId ? Prisma.sql`"stripePaymentIntentId" = ${where.paymentIntentId}` : null,
  ].filter((w) => w !== null);
  if (or.length === 0) return null;
  const claiming = claim && !claim.made ? claim : null;
  // One round trip, the lock order kept: `found` names the payment and its purchase (columns that never
  // change); in `locked`, the uncorrelated CASE over EXISTS is an init plan PostgreSQL runs before the
  // payments scan (a one-time filter), so the purchase's row is locked first; FOR UPDATE then locks the
  // payment's row and returns its newest version (a concurrent change is waited for and re-read). The
  // claim's insert runs before `found` (which waits for it) and, for a duplicate, stops it finding anything.
  const rows = await tx.$queryRaw<
    (Payment & { fresh: number; foundId: string | null; foundKind: PurchaseKindName | null } & Record<
        "foundBookingId" | "foundTicketId" | "foundTipId",
        string | null
      >)[]
  >`
    WITH ${claiming ? Prisma.sql`claimed AS (${recordEventSql(claiming)}),` : Prisma.empty}
    found AS (
      SELECT id, kind::text AS kind, "bookingId", "ticketId", "tipId" FROM payments
       WHERE ${claiming ? Prisma.sql`EXISTS (SELECT 1 FROM claimed) AND` : Prisma.empty} (${Prisma.join(or, " OR ")})
       ORDER BY "createdAt" LIMIT 1),
    locked AS MATERIALIZED (
      SELECT ${Prisma.raw(PAYMENT_COLUMNS)} FROM payments
       WHERE id = (SELECT id FROM found)
         AND CASE (SELECT kind FROM found)
               WHEN 'booking' THEN EXISTS (SELECT 1 FROM bookings WHERE id = (SELECT "bookingId" FROM found) FOR UPDATE)
               WHEN 'ticket' THEN EXISTS (SELECT 1 FROM tickets WHERE id = (SELECT "ticketId" FROM found) FOR UPDATE)
               WHEN 'tip' THEN EXISTS (SELECT 1 FROM tips WHERE id = (SELECT "tipId" FROM found) FOR UPDATE)
             END
         FOR UPDATE OF payments)
    SELECT ${claiming ? Prisma.sql`(SELECT count(*) FROM claimed)::int` : Prisma.sql`1`} AS fresh,
           f.id AS "foundId", f.kind AS "foundKind", f."bookingId" AS "foundBookingId", f."ticketId" AS "foundTicketId",
           f."tipId" AS "foundTipId", l.*
      FROM (SELECT 1) AS one LEFT JOIN found f ON true LEFT JOIN locked l ON true`;
  const { fresh, foundId, foundKind, foundBookingId, foundTicketId, foundTipId, ...payment } = rows[0]!;
  if (claiming) {
    if (!fresh) throw new DuplicateEvent(claiming.eventId);
    claiming.made = true;
  }
  if (!foundId || !foundKind) return null;
  const purchase = purchaseOf({
    kind: foundKind,
    bookingId: foundBookingId,
    ticketId: foundTicketId,
    tipId: foundTipId,
  });
  if (!payment.id) throw new Error(`payment ${foundId} or its ${purchase.kind} ${purchase.id} vanished under its lock`);
  return { ...(payment as Payment), purchase };
}

/** Every column of payments, typed as Prisma reads them (enums as their text). */
const PAYMENT_COLUMNS = [
  "id",
  '"traceId"',
  "kind::text AS kind",
  '"bookingId"',
  '"ticketId"',
  '"tipId"',
  '"payerId"',
  '"stripeCheckoutSessionId"',
  '"stripePaymentIntentId"',
  '"checkoutUrl"',
  '"returnPath"',
  '"checkoutExpiresAt"',
  '"amountCents"',
  "currency",
  '"capturedCents"',
  "status::text AS status",
  '"refundedCents"',
  '"stripeRefundedCents"',
  '"reviewReason"',
  '"paidAt"',
  '"createdAt"',
  '"updatedAt"',
].join(", ");

export type LockedPayment = NonNullable<Awaited<ReturnType<typeof lockPurchaseThenPayment>>>;

/**
 * The one way payments.status changes: checked against the state machine, written only if the row is
 * still in the state the caller read (the caller holds its lock, so this is a guard, not a race).
 */
export async function transitionPayment(
  tx: Tx,
  payment: { id: string; status: PaymentStatus },
  to: PaymentStatus,
  data: Omit<Prisma.PaymentUncheckedUpdateManyInput, "status"> = {},
) {
  assertPaymentTransition(payment.status, to);
  const { count } = await tx.payment.updateMany({
    where: { id: payment.id, status: payment.status },
    data: { ...data, status: to },
  });
  if (count !== 1) throw new Error(`payment ${payment.id} changed under its lock (expected ${payment.status})`);
}

/**
 * transitionPayment for the arrival of money (paid: when, and the intent that paid) and the trace event
 * that tells of it, in one statement: the same state-machine check and the same guard on the status read
 * under the lock.
 */
export async function transitionPaymentTraced(
  tx: Tx,
  payment: { id: string; status: PaymentStatus },
  to: PaymentStatus,
  set: { paidAt?: Date; stripePaymentIntentId?: string | null },
  event: TraceEventInput,
) {
  assertPaymentTransition(payment.status, to);
  const sets = [Prisma.sql`status = ${to}::"PaymentStatus"`, Prisma.sql`"updatedAt" = timezone('utc', now())`];
  if (set.paidAt !== undefined) sets.push(Prisma.sql`"paidAt" = ${set.paidAt}::timestamp`);
  if (set.stripePaymentIntentId !== undefined)
    sets.push(Prisma.sql`"stripePaymentIntentId" = ${set.stripePaymentIntentId}`);
  const [row] = await tx.$queryRaw<{ changed: number }[]>`
    WITH changed AS (
      UPDATE payments SET ${Prisma.join(sets)}
       WHERE id = ${payment.id} AND status = ${payment.status}::"PaymentStatus" RETURNING id),
    traced AS (${traceInsertSql(event)} FROM changed RETURNING id)
    SELECT count(*)::int AS changed FROM changed`;
  if (row?.changed !== 1) throw new Error(`payment ${payment.id} changed under its lock (expected ${payment.status})`);
}

/** The purchase's payment that went through (the first, when a duplicate was paid and refunded): "the" payment. */
export function findSettledPayment(
  tx: Pick<Tx, "payment">,
  ref: PurchaseRef,
  statuses: ReadonlySet<PaymentStatus> = REFUNDABLE,
) {
  return tx.payment.findFirst({
    where: { kind: ref.kind, [purchaseColumn[ref.kind]]: ref.id, status: { in: [...statuses] } },
    orderBy: [{ paidAt: "asc" }, { createdAt: "asc" }],
    include: { refunds: { select: { amountCents: true, status: true, stripeRefundId: true } } },
  });
}

/**
 * Brings payment.refundedCents up to date: the larger of what Booth's refunds add up to and what Stripe
 * last reported for the charge, never more than was captured (a database check enforces that too).
 * A payment whose status follows its refunds (paid, partially or fully refunded) moves with it.
 */
export async function syncRefundedAmount(tx: Tx, paymentId: string, reportedByStripe = 0) {
  const [row] = await tx.$queryRaw<{ refundedCents: number; amountCents: number; status: PaymentStatus }[]>`
    UPDATE payments p SET
      "refundedCents" = LEAST(COALESCE(p."capturedCents", p."amountCents"), GREATEST(p."refundedCents", ${reportedByStripe}::int,
        (SELECT COALESCE(SUM(r."amountCents"), 0)::int FROM refunds r WHERE r."paymentId" = p.id AND r.status = 'succeeded'))),
      "updatedAt" = timezone('utc', now())
    WHERE p.id = ${paymentId}
    RETURNING "refundedCents", COALESCE("capturedCents", "amountCents") AS "amountCents", status`;
  if (!row) return null;
  if (row.refundedCents > 0 && BY_REFUNDS.has(row.status)) {
    await transitionPayment(
      tx,
      { id: paymentId, status: row.status },
      refundStatus(row.refundedCents, row.amountCents),
    );
  }
  return row;
}

/**
 * A refund that had succeeded failed after all (the card could not take it back): the money is the
 * platform's again, so the refunded total drops by it and the payment can be refunded again.
 */
export async function releaseRefundedAmount(tx: Tx, paymentId: string, cents: number) {
  const [row] = await tx.$queryRaw<{ refundedCents: number; ceiling: number; status: PaymentStatus }[]>`
    UPDATE payments SET "refundedCents" = GREATEST(0, "refundedCents" - ${cents}::int), "updatedAt" = timezone('utc', now())
    WHERE id = ${paymentId}
    RETURNING "refundedCents", COALESCE("capturedCents", "amountCents") AS ceiling, status`;
  if (row && BY_REFUNDS.has(row.status)) {
    await transitionPayment(tx, { id: paymentId, status: row.status }, refundStatus(row.refundedCents, row.ceiling));
  }
}

/** Pending payments of purchases whose hold lapsed: expired (their checkout can no longer confirm anything on time). */
export async function expirePendingPayments(tx: Tx, kind: PurchaseKindName, purchaseIds: string[]) {
  if (purchaseIds.length === 0) return 0;
  assertPaymentTransition("pending", "expired");
  const { count } = await tx.payment.updateMany({
    where: { kind, [purchaseColumn[kind]]: { in: purchaseIds }, status: "pending" },
    data: { status: "expired" },
  });
  return count;
}
