import "server-only";
import Stripe from "stripe";
import { env } from "@/lib/env";
import { stripe, stripeConfigured } from "./stripe";
import { type CheckoutRequest, type PaymentGateway, RefundRejected, refundStatusOf } from "./gateway-contract";
import { metadataKey } from "./purchase";
import { testGateway } from "./test-gateway";

/**
 * What every Checkout Session carries (as metadata of the session and of its payment intent): the purchase
 * (`bookingId`, `ticketId` or `tipId`, and its kind), the trace id, Booth's payment id and the brand sold on.
 */
export function checkoutMetadata(
  req: Pick<CheckoutRequest, "purchase" | "traceId" | "paymentId"> & { brand: { id: string } },
): Record<string, string> {
  return {
    [metadataKey(req.purchase.kind)]: req.purchase.id,
    purchaseKind: req.purchase.kind,
    traceId: req.traceId,
    paymentId: req.paymentId,
    brandId: req.brand.id,
  };
}

/** The product name buyers see at checkout and on receipts: the brand, then the offering. */
export function brandedProductName(req: Pick<CheckoutRequest, "brand" | "title">): string {
  return `${req.brand.name} · ${req.title}`;
}

export function supportLine(email: string) {
  return `Questions about this payment? Write to ${email}.`;
}

/** Stripe requires a Checkout Session to stay open at least 30 minutes (and at most 24 hours). */
export const STRIPE_MIN_CHECKOUT_MS = 30 * 60_000 + 60_000;

/** The Checkout Session Booth asks Stripe for (its parameters, for the request and for tests). */
export function checkoutSessionParams(req: CheckoutRequest): Stripe.Checkout.SessionCreateParams {
  const metadata = checkoutMetadata(req);
  const expiresAt = new Date(Math.max(req.expiresAt.getTime(), Date.now() + STRIPE_MIN_CHECKOUT_MS));
  return {
    mode: "payment",
    // Methods are chosen in Stripe's dashboard; a configuration enabling only methods that settle at
    // once keeps a delayed payment (bank debit) from arriving days after the 15-minute hold.
    ...(env.STRIPE_PAYMENT_METHOD_CONFIGURATION
      ? { payment_method_configuration: env.STRIPE_PAYMENT_METHOD_CONFIGURATION }
      : {}),
    client_reference_id: req.purchase.id,
    customer_email: req.customerEmail,
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: req.currency.toLowerCase(),
          unit_amount: req.amountCents,
          product_data: { name: brandedProductName(req), description: req.description || undefined },
        },
      },
    ],
    metadata,
    payment_intent_data: {
      metadata,
      description: brandedProductName(req),
      ...(req.brand.statementDescriptorSuffix
        ? { statement_descriptor_suffix: req.brand.statementDescriptorSuffix }
        : {}),
    },
    // Checkout has no support-address field; the brand's address is said beside the pay button.
    ...(req.brand.supportEmail ? { custom_text: { submit: { message: supportLine(req.brand.supportEmail) } } } : {}),
    expires_at: Math.floor(expiresAt.getTime() / 1000),
    success_url: req.successUrl,
    cancel_url: req.cancelUrl,
  };
}

export const stripeGateway: PaymentGateway = {
  mode: "stripe",
  async createCheckout(req) {
    const session = await stripe().checkout.sessions.create(checkoutSessionParams(req), {
      idempotencyKey: req.idempotencyKey,
    });
    if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a URL`);
    return { id: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000) };
  },
  async createRefund(req) {
    try {
      const refund = await stripe().refunds.create(
        {
          payment_intent: req.paymentIntentId,
          amount: req.amountCents,
          reason: "requested_by_customer",
          metadata: { refundId: req.refundId, paymentId: req.paymentId, traceId: req.traceId },
        },
        { idempotencyKey: req.idempotencyKey },
      );
      return { id: refund.id, status: refundStatusOf(refund.status) };
    } catch (err) {
      // An invalid request stays invalid: asking again with the same key gets the same answer.
      if (err instanceof Stripe.errors.StripeInvalidRequestError)
        throw new RefundRejected(err.message, err.code ?? null);
      throw err;
    }
  },
  async getRefund(stripeRefundId) {
    const refund = await stripe().refunds.retrieve(stripeRefundId);
    return { id: refund.id, status: refundStatusOf(refund.status) };
  },
  async findRefund(paymentIntentId, refundId) {
    for await (const refund of stripe().refunds.list({ payment_intent: paymentIntentId, limit: 100 })) {
      if (refund.metadata?.refundId === refundId) return { id: refund.id, status: refundStatusOf(refund.status) };
    }
    return null;
  },
  async expireCheckout(checkoutSessionId) {
    await stripe().checkout.sessions.expire(checkoutSessionId);
  },
  async paymentIdForIntent(paymentIntentId) {
    const intent = await stripe().paymentIntents.retrieve(paymentIntentId);
    return intent.metadata?.paymentId ?? null;
  },
};

export function paymentGateway(): PaymentGateway {
  if (stripeConfigured()) return stripeGateway;
  if (env.NODE_ENV === "production" && env.BOOTH_TEST_CHECKOUT !== "1")
    throw new Error("no payment gateway: STRIPE_SECRET_KEY is not set");
  return testGateway;
}
