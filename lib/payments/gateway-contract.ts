import type { PurchaseRef } from "./purchase";

/** What Booth asks of a payment provider (Stripe, or the test gateway), and what it answers. */

export type CheckoutRequest = {
  paymentId: string;
  purchase: PurchaseRef;
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
  /** The brand in force: prefixes the product name, ends the card statement line, and gives the support address. */
  brand: { id: string; name: string; statementDescriptorSuffix: string | null; supportEmail: string | null };
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
