import "server-only";
import type Stripe from "stripe";
import { enqueueBookingEmails } from "@/lib/bookings/emails";
import { assertTransition } from "@/lib/bookings/state";
import { releaseLapsedHolds } from "@/lib/bookings/holds";
import { logger } from "@/lib/logger";
import { appendTrace } from "@/lib/trace/service";
import type { AfterCommit } from "./after-commit";
import { lockBooking, lockBookingThenPayment, type Tx } from "./ledger";
import { idOf } from "./resolve";
import { checkoutMismatches } from "./checks";
import { createRefundInTx } from "./refunds";

const log = logger.child({ module: "stripe-checkout" });

export type HandlerContext = { tx: Tx; event: Stripe.Event; after: AfterCommit };

async function paymentForSession(tx: Tx, session: Stripe.Checkout.Session) {
  const payment = await lockBookingThenPayment(tx, {
    checkoutSessionId: session.id,
    id: session.metadata?.paymentId ?? null,
  });
  if (!payment?.bookingId) log.warn({ checkoutSessionId: session.id }, "checkout session unknown to Booth; ignored");
  return payment?.bookingId ? { ...payment, bookingId: payment.bookingId } : null;
}

/** checkout.session.completed (paid) and checkout.session.async_payment_succeeded. */
export async function settlePaidCheckout({ tx, event, after }: HandlerContext, session: Stripe.Checkout.Session) {
  const payment = await paymentForSession(tx, session);
  if (!payment) return;
  if (payment.status !== "pending" && payment.status !== "expired" && payment.status !== "failed") return; // already settled or flagged
  const booking = await lockBooking(tx, payment.bookingId);
  const occurredAt = new Date(event.created * 1000);
  const paymentIntentId = idOf(session.payment_intent);
  const base = { checkoutSessionId: session.id, paymentIntentId, eventId: event.id };

  const problems = checkoutMismatches(session, {
    bookingId: booking.id,
    amountCents: payment.amountCents,
    currency: payment.currency,
  });
  if (problems.length) {
    await tx.payment.update({
      where: { id: payment.id },
      data: {
        status: "needs_review",
        reviewReason: problems.join("; "),
        stripePaymentIntentId: paymentIntentId,
        capturedCents: session.amount_total ?? null,
      },
    });
    await appendTrace(
      {
        traceId: payment.traceId,
        type: "payment.flagged",
        source: "stripe",
        occurredAt,
        payload: {
          ...base,
          reasons: problems,
          amountTotal: session.amount_total ?? null,
          currency: session.currency ?? null,
        },
      },
      tx,
    );
    log.warn({ paymentId: payment.id, problems }, "paid checkout does not match its booking; flagged for review");
    return;
  }

  await tx.payment.update({
    where: { id: payment.id },
    data: { status: "paid", paidAt: occurredAt, stripePaymentIntentId: paymentIntentId },
  });
  await appendTrace(
    {
      traceId: payment.traceId,
      type: "payment.succeeded",
      source: "stripe",
      occurredAt,
      payload: { ...base, amountCents: payment.amountCents, currency: payment.currency },
    },
    tx,
  );

  const refundWhole = (reason: string, explanation: string) =>
    createRefundInTx(
      tx,
      {
        paymentId: payment.id,
        amountCents: payment.amountCents,
        reason,
        explanation,
        idempotencyKey: `auto:${payment.id}`,
      },
      after,
    );

  if (booking.status === "pending_payment" && booking.holdsSlot) {
    await confirm(tx, booking.id, payment.traceId, { late: false }, after);
  } else if (booking.status === "pending_payment" || booking.status === "expired") {
    // The hold lapsed before the money arrived. Take the time again if nobody else has it.
    if (await reacquireSlot(tx, booking)) {
      await confirm(tx, booking.id, payment.traceId, { late: true }, after);
    } else {
      await refundWhole(
        "slot_taken_after_hold_expired",
        "The payment arrived after the hold on this time had lapsed and someone else had booked the time meanwhile, so the payment is refunded in full.",
      );
    }
  } else if (booking.status === "cancelled") {
    await refundWhole(
      "booking_cancelled_before_payment",
      "The booking had been cancelled before this payment arrived, so the payment is refunded in full.",
    );
  } else {
    await refundWhole(
      "duplicate_payment",
      `The booking was already ${booking.status} through another payment, so this second payment is refunded in full.`,
    );
  }
}

async function confirm(tx: Tx, bookingId: string, traceId: string, how: { late: boolean }, after: AfterCommit) {
  const booking = await tx.booking.findUniqueOrThrow({ where: { id: bookingId } });
  assertTransition(booking.status, "confirmed");
  await tx.booking.update({
    where: { id: bookingId },
    data: { status: "confirmed", holdsSlot: true, holdExpiresAt: null },
  });
  await appendTrace(
    {
      traceId,
      type: "booking.confirmed",
      source: "app",
      payload: {
        bookingId,
        late: how.late,
        ...(how.late ? { explanation: "paid after the hold lapsed; the time was still free" } : {}),
      },
    },
    tx,
  );
  await enqueueBookingEmails(tx, bookingId, { kind: "confirmed" });
  after.mail = true;
}

/**
 * Takes the booking's time again after its hold was released. A savepoint keeps the transaction
 * usable when the exclusion constraint refuses (someone else holds an overlapping time).
 */
async function reacquireSlot(tx: Tx, booking: { id: string; creatorId: string; startsAt: Date; endsAt: Date }) {
  await releaseLapsedHolds(tx, { creatorId: booking.creatorId, startsAt: booking.startsAt, endsAt: booking.endsAt });
  await tx.$executeRawUnsafe("SAVEPOINT reacquire_slot");
  try {
    await tx.$executeRaw`UPDATE bookings SET "holdsSlot" = true WHERE id = ${booking.id}`;
    await tx.$executeRawUnsafe("RELEASE SAVEPOINT reacquire_slot");
    return true;
  } catch (err) {
    await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT reacquire_slot");
    const { isExclusionViolation } = await import("@/lib/errors");
    if (isExclusionViolation(err)) return false;
    throw err;
  }
}

/** checkout.session.expired: the buyer never paid; the held time is free again. */
export async function expireCheckout({ tx, event }: HandlerContext, session: Stripe.Checkout.Session) {
  const payment = await paymentForSession(tx, session);
  if (payment?.status !== "pending") return; // paid first (events out of order) or already expired
  await tx.payment.update({ where: { id: payment.id }, data: { status: "expired" } });
  await releaseBooking(tx, payment.bookingId, payment.traceId, new Date(event.created * 1000), "checkout_expired");
}

/** checkout.session.async_payment_failed. */
export async function failCheckout({ tx, event }: HandlerContext, session: Stripe.Checkout.Session) {
  const payment = await paymentForSession(tx, session);
  if (!payment || (payment.status !== "pending" && payment.status !== "expired")) return;
  const occurredAt = new Date(event.created * 1000);
  await tx.payment.update({ where: { id: payment.id }, data: { status: "failed" } });
  await appendTrace(
    {
      traceId: payment.traceId,
      type: "payment.failed",
      source: "stripe",
      occurredAt,
      payload: { checkoutSessionId: session.id, eventId: event.id },
    },
    tx,
  );
  await releaseBooking(tx, payment.bookingId, payment.traceId, occurredAt, "payment_failed");
}

async function releaseBooking(tx: Tx, bookingId: string, traceId: string, occurredAt: Date, reason: string) {
  const booking = await lockBooking(tx, bookingId);
  if (booking.status !== "pending_payment") return;
  await tx.booking.update({ where: { id: bookingId }, data: { status: "expired", holdsSlot: false } });
  await appendTrace(
    { traceId, type: "booking.expired", source: "stripe", occurredAt, payload: { bookingId, reason } },
    tx,
  );
}

/** checkout.session.completed with payment_status "unpaid": a delayed method; the outcome follows. */
export async function notePendingCheckout({ tx, event }: HandlerContext, session: Stripe.Checkout.Session) {
  const payment = await paymentForSession(tx, session);
  if (payment?.status !== "pending") return;
  await tx.payment.update({ where: { id: payment.id }, data: { stripePaymentIntentId: idOf(session.payment_intent) } });
  await appendTrace(
    {
      traceId: payment.traceId,
      type: "payment.pending",
      source: "stripe",
      occurredAt: new Date(event.created * 1000),
      payload: { checkoutSessionId: session.id, paymentStatus: session.payment_status, eventId: event.id },
    },
    tx,
  );
}
