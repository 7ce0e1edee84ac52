import type Stripe from "stripe";
import { canTransition } from "@/lib/bookings/state";
import { appendTrace } from "@/lib/trace/service";
import type { HandlerContext } from "../checkout-events";
import { idOf, resolvePayment } from "../resolve";

/** Marks the payment and its booking disputed and flags them for a human. */
export default async function chargeDisputeCreated({ tx, event }: HandlerContext) {
  const dispute = event.data.object as Stripe.Dispute;
  const payment = await resolvePayment(tx, { paymentIntentId: idOf(dispute.payment_intent) });
  if (!payment || payment.status === "disputed") return;
  await tx.payment.update({ where: { id: payment.id }, data: { status: "disputed", reviewReason: `dispute ${dispute.id}: ${dispute.reason}` } });
  let bookingStatusBefore: string | null = null;
  if (payment.bookingId) {
    const booking = await tx.booking.findUniqueOrThrow({ where: { id: payment.bookingId } }); // locked by resolvePayment
    if (canTransition(booking.status, "disputed")) {
      bookingStatusBefore = booking.status;
      await tx.booking.update({ where: { id: booking.id }, data: { status: "disputed" } });
    }
  }
  await appendTrace({
    traceId: payment.traceId, type: "dispute.opened", source: "stripe", occurredAt: new Date(event.created * 1000),
    payload: { disputeId: dispute.id, reason: dispute.reason, amountCents: dispute.amount, paymentId: payment.id, paymentStatusBefore: payment.status, bookingStatusBefore, eventId: event.id },
  }, tx);
}
