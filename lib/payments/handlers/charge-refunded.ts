import type Stripe from "stripe";
import { appendTrace } from "@/lib/trace/service";
import type { HandlerContext } from "./context";
import { syncRefundedAmount } from "../ledger";
import { awaitPaymentRecorded, idOf, resolvePayment } from "../resolve";

/** Records the charge's refunded total (monotonic: an older event never lowers it). */
export default async function chargeRefunded({ tx, event }: HandlerContext) {
  const charge = event.data.object as Stripe.Charge;
  const payment = await resolvePayment(tx, {
    paymentId: charge.metadata?.paymentId ?? null,
    paymentIntentId: idOf(charge.payment_intent),
  });
  if (!payment) return;
  if (!(await awaitPaymentRecorded(tx, payment, `Refund of charge ${charge.id}`, event))) return;
  const before = payment.refundedCents;
  // A refund that failed after this event was sent is no longer in the charge's figure: a late or
  // retried delivery must not put back money the failure returned to the ledger.
  const failedSince = await tx.traceEvent.count({
    where: { traceId: payment.traceId, type: "refund.failed", occurredAt: { gt: new Date(event.created * 1000) } },
  });
  await tx.payment.update({ where: { id: payment.id }, data: { stripeRefundedCents: charge.amount_refunded } });
  const row = await syncRefundedAmount(tx, payment.id, failedSince > 0 ? 0 : charge.amount_refunded);
  if (row && row.refundedCents !== before) {
    await appendTrace(
      {
        traceId: payment.traceId,
        type: "payment.refunded",
        source: "stripe",
        occurredAt: new Date(event.created * 1000),
        payload: {
          paymentId: payment.id,
          refundedCents: row.refundedCents,
          amountCents: row.amountCents,
          chargeId: charge.id,
          eventId: event.id,
        },
      },
      tx,
    );
  }
}
