import "server-only";
import type Stripe from "stripe";
import { logger } from "@/lib/logger";
import { appendTrace } from "@/lib/trace/service";
import { checkoutMismatches } from "./checks";
import type { EventClaim } from "@/lib/ops/processed-events";
import type { HandlerContext } from "./handlers/context";
import { type LockedPayment, lockPurchaseThenPayment, transitionPayment, transitionPaymentTraced } from "./ledger";
import { isUnsettled } from "./payment-state";
import { createRefundInTx } from "./refunds";
import { idOf } from "./resolve";

const log = logger.child({ module: "stripe-checkout" });

/** The handler's first statement: records the event once (claimsInLock), finds the payment and locks it. */
async function paymentForSession(tx: HandlerContext["tx"], session: Stripe.Checkout.Session, claim?: EventClaim) {
  const payment = await lockPurchaseThenPayment(
    tx,
    { checkoutSessionId: session.id, id: session.metadata?.paymentId ?? null },
    claim,
  );
  if (!payment) log.warn({ checkoutSessionId: session.id }, "checkout session unknown to Booth; ignored");
  return payment;
}

const eventTime = (event: Stripe.Event) => new Date(event.created * 1000);

/**
 * checkout.session.completed (paid) and checkout.session.async_payment_succeeded: the payment is recorded
 * (or flagged when amount, currency or purchase do not match), then the purchase's kind decides whether it
 * is confirmed or the money goes back in full (its hold lapsed and the thing is gone, it was cancelled, it
 * was already paid).
 */
export async function settlePaidCheckout(ctx: HandlerContext, session: Stripe.Checkout.Session) {
  await settlePaidSession(ctx.tx, ctx.purchases, session, {
    occurredAt: eventTime(ctx.event),
    eventId: ctx.event.id,
    claim: ctx.claim,
  });
}

/**
 * The settle path itself, for a paid Checkout Session from an event (whose record-once claim is made in the
 * statement that locks the payment) or read from Stripe's API (an admin confirming, from reconciliation, a
 * payment Stripe took that Booth never heard of: `eventId` then names that confirmation, and there is no
 * claim). A payment already settled or flagged is left as it is, so applying it twice is a no-op.
 */
export async function settlePaidSession(
  tx: HandlerContext["tx"],
  purchases: HandlerContext["purchases"],
  session: Stripe.Checkout.Session,
  { occurredAt, eventId, claim }: { occurredAt: Date; eventId: string; claim?: EventClaim },
) {
  const payment = await paymentForSession(tx, session, claim);
  if (!payment || !isUnsettled(payment.status)) return; // already settled or flagged
  const paymentIntentId = idOf(session.payment_intent);
  const base = { checkoutSessionId: session.id, paymentIntentId, eventId };

  const problems = checkoutMismatches(session, payment);
  if (problems.length) {
    await transitionPayment(tx, payment, "needs_review", {
      reviewReason: problems.join("; "),
      stripePaymentIntentId: paymentIntentId,
      capturedCents: session.amount_total ?? null,
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
    log.warn({ paymentId: payment.id, problems }, "paid checkout does not match its purchase; flagged for review");
    return;
  }

  await transitionPaymentTraced(
    tx,
    payment,
    "paid",
    { paidAt: occurredAt, stripePaymentIntentId: paymentIntentId },
    {
      traceId: payment.traceId,
      type: "payment.succeeded",
      source: "stripe",
      occurredAt,
      payload: { ...base, amountCents: payment.amountCents, currency: payment.currency },
    },
  );
  const outcome = await purchases.of(payment.purchase.kind).paid(tx, payment.purchase.id, payment, occurredAt);
  if (!outcome.confirmed) {
    await createRefundInTx(tx, {
      paymentId: payment.id,
      amountCents: payment.amountCents,
      reason: outcome.refund.reason,
      explanation: outcome.refund.explanation,
      idempotencyKey: `auto:${payment.id}`,
    });
  }
}

/** The checkout ended without money: the payment is closed and the purchase lets go of what it held. */
async function endCheckout(
  { tx, event, purchases }: HandlerContext,
  payment: LockedPayment,
  to: "expired" | "failed",
  why: "checkout_expired" | "payment_failed",
) {
  await transitionPayment(tx, payment, to);
  await purchases
    .of(payment.purchase.kind)
    .checkoutEnded(tx, payment.purchase.id, payment.traceId, eventTime(event), why);
}

/** checkout.session.expired: the buyer never paid; what the purchase held is free again. */
export async function expireCheckout(ctx: HandlerContext, session: Stripe.Checkout.Session) {
  const payment = await paymentForSession(ctx.tx, session, ctx.claim);
  if (payment?.status !== "pending") return; // paid first (events out of order) or already expired
  await endCheckout(ctx, payment, "expired", "checkout_expired");
}

/** checkout.session.async_payment_failed. */
export async function failCheckout(ctx: HandlerContext, session: Stripe.Checkout.Session) {
  const payment = await paymentForSession(ctx.tx, session, ctx.claim);
  if (!payment || (payment.status !== "pending" && payment.status !== "expired")) return;
  await appendTrace(
    {
      traceId: payment.traceId,
      type: "payment.failed",
      source: "stripe",
      occurredAt: eventTime(ctx.event),
      payload: { checkoutSessionId: session.id, eventId: ctx.event.id },
    },
    ctx.tx,
  );
  await endCheckout(ctx, payment, "failed", "payment_failed");
}

/** checkout.session.completed with payment_status "unpaid": a delayed method; the outcome follows. */
export async function notePendingCheckout(ctx: HandlerContext, session: Stripe.Checkout.Session) {
  const { tx, event } = ctx;
  const payment = await paymentForSession(ctx.tx, session, ctx.claim);
  if (payment?.status !== "pending") return;
  await tx.payment.update({ where: { id: payment.id }, data: { stripePaymentIntentId: idOf(session.payment_intent) } });
  await appendTrace(
    {
      traceId: payment.traceId,
      type: "payment.pending",
      source: "stripe",
      occurredAt: eventTime(event),
      payload: { checkoutSessionId: session.id, paymentStatus: session.payment_status, eventId: event.id },
    },
    tx,
  );
}
