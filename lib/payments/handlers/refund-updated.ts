import type Stripe from "stripe";
import type { HandlerContext } from "../checkout-events";
import { lockPayment } from "../ledger";
import { applyRefundResult } from "../refunds";

/** Records a refund's outcome; a refund made in Stripe's dashboard is adopted into the ledger. */
export default async function refundUpdated({ tx, event, after }: HandlerContext) {
  const r = event.data.object as Stripe.Refund;
  let refund = await tx.refund.findFirst({ where: { OR: [{ stripeRefundId: r.id }, ...(r.metadata?.refundId ? [{ id: r.metadata.refundId }] : [])] } });
  if (!refund) {
    const paymentIntentId = typeof r.payment_intent === "string" ? r.payment_intent : (r.payment_intent?.id ?? null);
    const payment = await lockPayment(tx, { paymentIntentId, id: r.metadata?.paymentId ?? null });
    if (!payment) return;
    refund = await tx.refund.create({ data: { paymentId: payment.id, amountCents: r.amount, reason: "refunded_in_stripe", idempotencyKey: `stripe:${r.id}`, stripeRefundId: r.id } });
  }
  const status = r.status === "succeeded" ? "succeeded" : r.status === "failed" || r.status === "canceled" ? "failed" : "pending";
  await applyRefundResult(tx, refund.id, r.id, status, after, "stripe");
}
