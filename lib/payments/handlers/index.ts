import type { HandlerContext } from "./context";
import chargeDisputeClosed from "./charge-dispute-closed";
import chargeDisputeCreated from "./charge-dispute-created";
import chargeRefunded from "./charge-refunded";
import checkoutSessionAsyncPaymentFailed from "./checkout-session-async-payment-failed";
import checkoutSessionAsyncPaymentSucceeded from "./checkout-session-async-payment-succeeded";
import checkoutSessionCompleted from "./checkout-session-completed";
import checkoutSessionExpired from "./checkout-session-expired";
import refundCreated from "./refund-created";
import refundFailed from "./refund-failed";
import refundUpdated from "./refund-updated";

/** One handler per Stripe event type Booth acts on; every other type is acknowledged and ignored. */
export const stripeHandlers: Partial<Record<string, (ctx: HandlerContext) => Promise<void>>> = {
  "checkout.session.completed": checkoutSessionCompleted,
  "checkout.session.async_payment_succeeded": checkoutSessionAsyncPaymentSucceeded,
  "checkout.session.async_payment_failed": checkoutSessionAsyncPaymentFailed,
  "checkout.session.expired": checkoutSessionExpired,
  "charge.refunded": chargeRefunded,
  "refund.created": refundCreated,
  "refund.updated": refundUpdated,
  "refund.failed": refundFailed,
  "charge.dispute.created": chargeDisputeCreated,
  "charge.dispute.closed": chargeDisputeClosed,
};

/**
 * Types whose handler's first statement is the payment's lookup and lock (paymentForSession), which records
 * the event once in that same statement (one round trip fewer on the busiest path, a paid checkout).
 */
export const claimsInLock: ReadonlySet<string> = new Set([
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed",
  "checkout.session.expired",
]);
