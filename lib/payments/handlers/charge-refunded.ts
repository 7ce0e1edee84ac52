import type Stripe from "stripe";
import { appendTrace } from "@/lib/trace/service";
import type { HandlerContext } from "../checkout-events";
import { lockPayment, syncRefundedAmount } from "../ledger";

/** Records the charge's refunded total (monotonic: an older event never lowers it). */
export default async function chargeRefunded({ tx, event }: HandlerContext) {
  const charge = event.data.object as Stripe.Charge;
  const paymentIntentId = typeof charge.payment_intent === "string" ? charge.payment_intent : (charge.payment_intent?.id ?? null);
  const payment = await lockPayment(tx, { paymentIntentId, id: charge.metadata?.paymentId ?? null });
  if (!payment) return;
  const before = payment.refundedCents;
  const row = await syncRefundedAmount(tx, payment.id, charge.amount_refunded);
  if (row && row.refundedCents !== before) {
    await appendTrace({ traceId: payment.traceId, type: "payment.refunded", source: "stripe", occurredAt: new Date(event.created * 1000), payload: { paymentId: payment.id, refundedCents: row.refundedCents, amountCents: row.amountCents, chargeId: charge.id, eventId: event.id } }, tx);
  }
}
