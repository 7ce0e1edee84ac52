import "server-only";
import Stripe from "stripe";
import { env } from "@/lib/env";
import { stripe, stripeConfigured } from "./stripe";
import { testGateway } from "./test-checkout";

export type CheckoutRequest = {
  paymentId: string;
  bookingId: string;
  traceId: string;
  title: string;
  description: string;
  amountCents: number;
  currency: string;
  customerEmail: string;
  expiresAt: Date;
  successUrl: string;
  cancelUrl: string;
  idempotencyKey: string;
};
export type CheckoutCreated = { id: string; url: string; expiresAt: Date };

export type RefundRequest = {
  refundId: string;
  paymentId: string;
  traceId: string;
  paymentIntentId: string;
  amountCents: number;
  idempotencyKey: string;
};
export type RefundCreated = { id: string; status: "succeeded" | "pending" | "failed" };

/** Stripe refused a refund for good (invalid request: the charge is disputed, already refunded…). */
export class RefundRejected extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
    this.name = "RefundRejected";
  }
}

export const refundStatusOf = (status: string | null | undefined): RefundCreated["status"] =>
  status === "succeeded" ? "succeeded" : status === "failed" || status === "canceled" ? "failed" : "pending";

/** Where money moves: Stripe, or Booth's test checkout when no Stripe key is configured. */
export interface PaymentGateway {
  readonly mode: "stripe" | "test";
  createCheckout(req: CheckoutRequest): Promise<CheckoutCreated>;
  /** Sends a refund; throws RefundRejected when the provider refuses it for good. */
  createRefund(req: RefundRequest): Promise<RefundCreated>;
  /** Asks where a refund the provider already has stands (a pending refund the sweep reconciles). */
  getRefund(stripeRefundId: string): Promise<RefundCreated>;
  /** Booth's refund `refundId` as the provider has it, looked up by its metadata; null when it has none. */
  findRefund(paymentIntentId: string, refundId: string): Promise<RefundCreated | null>;
  /** Closes an open checkout so it can no longer be paid (the booking was cancelled first). */
  expireCheckout(checkoutSessionId: string): Promise<void>;
  /** The Booth payment a provider payment intent belongs to, from its metadata (null when not Booth's). */
  paymentIdForIntent(paymentIntentId: string): Promise<string | null>;
}

/** Stripe requires a Checkout Session to stay open at least 30 minutes (and at most 24 hours). */
export const STRIPE_MIN_CHECKOUT_MS = 30 * 60_000 + 60_000;

export const stripeGateway: PaymentGateway = {
  mode: "stripe",
  async createCheckout(req) {
    const metadata = { bookingId: req.bookingId, traceId: req.traceId, paymentId: req.paymentId };
    const expiresAt = new Date(Math.max(req.expiresAt.getTime(), Date.now() + STRIPE_MIN_CHECKOUT_MS));
    const session = await stripe().checkout.sessions.create(
      {
        mode: "payment",
        // Methods are chosen in Stripe's dashboard; a configuration enabling only methods that settle at
        // once keeps a delayed payment (bank debit) from arriving days after the 15-minute hold.
        ...(env.STRIPE_PAYMENT_METHOD_CONFIGURATION
          ? { payment_method_configuration: env.STRIPE_PAYMENT_METHOD_CONFIGURATION }
          : {}),
        client_reference_id: req.bookingId,
        customer_email: req.customerEmail,
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: req.currency.toLowerCase(),
              unit_amount: req.amountCents,
              product_data: { name: req.title, description: req.description || undefined },
            },
          },
        ],
        metadata,
        payment_intent_data: { metadata, description: req.title },
        expires_at: Math.floor(expiresAt.getTime() / 1000),
        success_url: req.successUrl,
        cancel_url: req.cancelUrl,
      },
      { idempotencyKey: req.idempotencyKey },
    );
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
