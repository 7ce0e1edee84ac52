import type Stripe from "stripe";
import { appendTrace } from "@/lib/trace/service";
import type { HandlerContext } from "../checkout-events";
import { syncRefundedAmount } from "../ledger";
import { assertPaymentRecorded, idOf, resolvePayment } from "../resolve";

/** Records the charge's refunded total (monotonic: an older event never lowers it). */
export default async function chargeRefunded({ tx, event }: HandlerContext) {
  const charge = event.data.object as Stripe.Charge;
  const payment = await resolvePayment(tx, { paymentId: charge.metadata?.paymentId ?? null, paymentIntentId: idOf(charge.payment_intent) });
  if (!payment) return;
  assertPaymentRecorded(payment, `Refund of charge ${charge.id}`);
  const before = payment.refundedCents;
  const row = await syncRefundedAmount(tx, payment.id, charge.amount_refunded);
  if (row && row.refundedCents !== before) {
    await appendTrace({ traceId: payment.traceId, type: "payment.refunded", source: "stripe", occurredAt: new Date(event.created * 1000), payload: { paymentId: payment.id, refundedCents: row.refundedCents, amountCents: row.amountCents, chargeId: charge.id, eventId: event.id } }, tx);
  }
}
