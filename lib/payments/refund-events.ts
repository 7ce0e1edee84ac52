import "server-only";
import type Stripe from "stripe";
import { appendTrace } from "@/lib/trace/service";
import { refundStatusOf } from "./gateway-contract";
import type { HandlerContext } from "./handlers/context";
import { applyRefundResult } from "./refunds";
import { awaitPaymentRecorded, idOf, resolvePayment } from "./resolve";

/**
 * refund.created, refund.updated and refund.failed: records where a refund stands. A refund Booth
 * did not ask for (made in Stripe's dashboard) is adopted into the ledger with what Stripe says of
 * it, so Booth never sends it again and never refunds past what is left.
 */
export async function recordRefundEvent({ tx, event, purchases }: HandlerContext) {
  const r = event.data.object as Stripe.Refund;
  const payment = await resolvePayment(tx, {
    paymentId: r.metadata?.paymentId ?? null,
    paymentIntentId: idOf(r.payment_intent),
  });
  if (!payment) return;
  if (!(await awaitPaymentRecorded(tx, payment, `Refund ${r.id}`, event))) return;
  const status = refundStatusOf(r.status);
  let refund = await tx.refund.findFirst({
    where: { OR: [{ stripeRefundId: r.id }, ...(r.metadata?.refundId ? [{ id: r.metadata.refundId }] : [])] },
  });
  if (!refund) {
    refund = await tx.refund.create({
      data: {
        paymentId: payment.id,
        amountCents: r.amount,
        reason: "refunded_in_stripe",
        idempotencyKey: `stripe:${r.id}`,
        stripeRefundId: r.id,
        status: "pending",
      },
    });
    await appendTrace(
      {
        traceId: payment.traceId,
        type: "refund.requested",
        source: "stripe",
        occurredAt: new Date(event.created * 1000),
        payload: {
          refundId: refund.id,
          stripeRefundId: r.id,
          paymentId: payment.id,
          amountCents: r.amount,
          currency: payment.currency,
          reason: "refunded_in_stripe",
          explanation: "This refund was made in Stripe's dashboard, not in Booth.",
          eventId: event.id,
        },
      },
      tx,
    );
  }
  await applyRefundResult(tx, purchases, refund.id, {
    stripeRefundId: r.id,
    status,
    source: "stripe",
    detail: r.failure_reason ?? undefined,
  });
}
