import "server-only";
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

/** Where money moves: Stripe, or Booth's test checkout when no Stripe key is configured. */
export interface PaymentGateway {
  readonly mode: "stripe" | "test";
  createCheckout(req: CheckoutRequest): Promise<CheckoutCreated>;
  createRefund(req: RefundRequest): Promise<RefundCreated>;
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
        client_reference_id: req.bookingId,
        customer_email: req.customerEmail,
        line_items: [{ quantity: 1, price_data: { currency: req.currency.toLowerCase(), unit_amount: req.amountCents, product_data: { name: req.title, description: req.description || undefined } } }],
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
    const refund = await stripe().refunds.create(
      { payment_intent: req.paymentIntentId, amount: req.amountCents, reason: "requested_by_customer", metadata: { refundId: req.refundId, paymentId: req.paymentId, traceId: req.traceId } },
      { idempotencyKey: req.idempotencyKey },
    );
    const status = refund.status === "succeeded" ? "succeeded" : refund.status === "failed" || refund.status === "canceled" ? "failed" : "pending";
    return { id: refund.id, status };
  },
};

export function paymentGateway(): PaymentGateway {
  if (stripeConfigured()) return stripeGateway;
  if (env.NODE_ENV === "production" && env.BOOTH_TEST_CHECKOUT !== "1") throw new Error("no payment gateway: STRIPE_SECRET_KEY is not set");
  return testGateway;
}
