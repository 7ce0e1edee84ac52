import "server-only";
import crypto from "node:crypto";
import { db } from "@/lib/db";
import { logger } from "@/lib/logger";
import type { CheckoutCreated, PaymentGateway, RefundCreated } from "./gateway-contract";
import { sendTestEvent } from "./test-events";

/**
 * Booth's test gateway, used when STRIPE_SECRET_KEY is unset (development and the test suite's app). It
 * never marks anything paid itself: Stripe's part (the checkout page, refunds) sends the signed events
 * Stripe would send, over HTTP to /api/stripe/webhook, so the money path under test is the production one.
 */
const log = logger.child({ module: "test-gateway" });
const short = (key: string) => crypto.createHash("sha256").update(key).digest("hex").slice(0, 24);

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
    // Stripe announces a refund with refund.updated and charge.refunded; so does the test gateway. If the
    // webhook does not take them, the refund's own answer below still records it (as Stripe's API answer would).
    const announce = (type: string, object: Record<string, unknown>) =>
      sendTestEvent(type, object).catch((err: unknown) =>
        log.warn({ err, refundId: req.refundId, type }, "test event not taken"),
      );
    await announce("refund.updated", {
      id,
      object: "refund",
      amount: req.amountCents,
      currency,
      status: "succeeded",
      payment_intent: req.paymentIntentId,
      metadata: { refundId: req.refundId, paymentId: req.paymentId, traceId: req.traceId },
    });
    await announce("charge.refunded", {
      id: `ch_test_booth_${short(req.paymentIntentId)}`,
      object: "charge",
      amount: payment.amountCents,
      amount_refunded: Math.min(refundedSoFar, payment.amountCents),
      refunded: refundedSoFar >= payment.amountCents,
      currency,
      payment_intent: req.paymentIntentId,
      metadata: { paymentId: req.paymentId, traceId: req.traceId },
    });
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
