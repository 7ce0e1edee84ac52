import "server-only";
import crypto from "node:crypto";
import type Stripe from "stripe";
import { AppError } from "@/lib/errors";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import type { CheckoutCreated, PaymentGateway, RefundCreated } from "./gateway";
import { stripe, stripeConfigured, webhookSecret } from "./stripe";

/**
 * Booth's test checkout, used when STRIPE_SECRET_KEY is unset (development, and the test suite's app).
 * It never marks anything paid itself: "Pay (test mode)" builds the event Stripe would send, signs it
 * with the webhook secret and hands it to the same processStripeWebhook the /api/stripe/webhook route
 * calls, so the money path under test is the production one.
 */
const log = logger.child({ module: "test-checkout" });
const short = (key: string) => crypto.createHash("sha256").update(key).digest("hex").slice(0, 24);

export function testCheckoutEnabled() {
  return !stripeConfigured() && (env.NODE_ENV !== "production" || env.BOOTH_TEST_CHECKOUT === "1");
}

export const testGateway: PaymentGateway = {
  mode: "test",
  async createCheckout(req): Promise<CheckoutCreated> {
    const id = `cs_test_booth_${short(req.idempotencyKey)}`;
    return { id, url: `/checkout/test/${id}`, expiresAt: req.expiresAt };
  },
  async createRefund(req): Promise<RefundCreated> {
    const id = `re_test_booth_${short(req.idempotencyKey)}`;
    const payment = await db.payment.findUniqueOrThrow({
      where: { id: req.paymentId },
      select: { amountCents: true, currency: true, refunds: { select: { id: true, amountCents: true, status: true } } },
    });
    const refundedSoFar = payment.refunds
      .filter((r) => r.status === "succeeded" || r.id === req.refundId)
      .reduce((s, r) => s + r.amountCents, 0);
    const currency = payment.currency.toLowerCase();
    // Stripe announces a refund with refund.updated and charge.refunded; so does the test checkout.
    await sendTestEvent("refund.updated", {
      id,
      object: "refund",
      amount: req.amountCents,
      currency,
      status: "succeeded",
      payment_intent: req.paymentIntentId,
      metadata: { refundId: req.refundId, paymentId: req.paymentId, traceId: req.traceId },
    }).catch((err) => log.error({ err, refundId: req.refundId }, "test refund.updated event failed"));
    await sendTestEvent("charge.refunded", {
      id: `ch_test_booth_${short(req.paymentIntentId)}`,
      object: "charge",
      amount: payment.amountCents,
      amount_refunded: Math.min(refundedSoFar, payment.amountCents),
      refunded: refundedSoFar >= payment.amountCents,
      currency,
      payment_intent: req.paymentIntentId,
      metadata: { paymentId: req.paymentId, traceId: req.traceId },
    }).catch((err) => log.error({ err, refundId: req.refundId }, "test charge.refunded event failed"));
    return { id, status: "succeeded" };
  },
  async getRefund(stripeRefundId) {
    // Test refunds settle as they are made.
    return { id: stripeRefundId, status: "succeeded" };
  },
  async findRefund() {
    // A test refund is made (and recorded) in the same call that asks for it: an unanswered one was never made.
    return null;
  },
  async expireCheckout() {
    // Nothing is open anywhere else: the test checkout page reads the payment's status from the database.
  },
  async paymentIdForIntent() {
    // Test payment intents carry no metadata outside Booth's own rows.
    return null;
  },
};

/** A Stripe event as Stripe would deliver it, signed with the endpoint's secret. */
export function signedTestEvent(type: string, object: Record<string, unknown>) {
  const event = {
    id: `evt_test_booth_${crypto.randomUUID().replace(/-/g, "")}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
  const payload = JSON.stringify(event);
  return {
    event,
    payload,
    signature: stripe().webhooks.generateTestHeaderString({ payload, secret: webhookSecret() }),
  };
}

async function sendTestEvent(type: string, object: Record<string, unknown>) {
  const { processStripeWebhook } = await import("./webhook");
  const { payload, signature } = signedTestEvent(type, object);
  return processStripeWebhook(payload, signature);
}

async function loadOwnCheckout(userId: string, sessionId: string) {
  if (!testCheckoutEnabled())
    throw new AppError("not_found", "The test checkout is off: this Booth takes real payments.");
  const payment = await db.payment.findUnique({
    where: { stripeCheckoutSessionId: sessionId },
    select: {
      id: true,
      traceId: true,
      payerId: true,
      amountCents: true,
      currency: true,
      status: true,
      checkoutExpiresAt: true,
      stripePaymentIntentId: true,
      booking: {
        select: {
          id: true,
          startsAt: true,
          endsAt: true,
          status: true,
          freeCancellationHours: true,
          offering: { select: { title: true, durationMinutes: true } },
          creator: { select: { displayName: true } },
        },
      },
    },
  });
  // Somebody else's checkout looks exactly like a missing one.
  if (!payment || payment.payerId !== userId || !payment.booking) throw new AppError("not_found", "No such checkout.");
  return { ...payment, booking: payment.booking };
}

/** What the test checkout page shows. */
export async function getTestCheckout(userId: string, sessionId: string) {
  return loadOwnCheckout(userId, sessionId);
}

function sessionObject(
  sessionId: string,
  p: Awaited<ReturnType<typeof loadOwnCheckout>>,
  status: "complete" | "expired",
): Partial<Stripe.Checkout.Session> & Record<string, unknown> {
  return {
    id: sessionId,
    object: "checkout.session",
    mode: "payment",
    status,
    payment_status: status === "complete" ? "paid" : "unpaid",
    amount_total: p.amountCents,
    currency: p.currency.toLowerCase(),
    client_reference_id: p.booking.id,
    metadata: { bookingId: p.booking.id, traceId: p.traceId, paymentId: p.id },
    payment_intent: status === "complete" ? (p.stripePaymentIntentId ?? `pi_test_booth_${short(sessionId)}`) : null,
    expires_at: Math.floor((p.checkoutExpiresAt ?? new Date()).getTime() / 1000),
  };
}

/** "Pay (test mode)": sends checkout.session.completed (paid) through the webhook path. */
export async function payTestCheckout(userId: string, sessionId: string) {
  const p = await loadOwnCheckout(userId, sessionId);
  if (p.status === "pending" && p.checkoutExpiresAt && p.checkoutExpiresAt <= new Date()) {
    throw new AppError(
      "conflict",
      "This checkout has expired: your hold on the time ran out. Pick the time again to book it.",
    );
  }
  if (p.status === "pending")
    await sendTestEvent("checkout.session.completed", sessionObject(sessionId, p, "complete"));
  return p.booking.id;
}

/** "Cancel": the test checkout expires the session, which releases the held time at once. */
export async function cancelTestCheckout(userId: string, sessionId: string) {
  const p = await loadOwnCheckout(userId, sessionId);
  if (p.status === "pending") await sendTestEvent("checkout.session.expired", sessionObject(sessionId, p, "expired"));
  return p.booking.id;
}
