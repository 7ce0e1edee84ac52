import type Stripe from "stripe";
import { canTransition } from "@/lib/bookings/state";
import { appendTrace } from "@/lib/trace/service";
import type { HandlerContext } from "../checkout-events";
import { lockBooking, lockPayment } from "../ledger";

/** Marks the payment and its booking disputed and flags them for a human. */
export default async function chargeDisputeCreated({ tx, event }: HandlerContext) {
  const dispute = event.data.object as Stripe.Dispute;
  const paymentIntentId = typeof dispute.payment_intent === "string" ? dispute.payment_intent : (dispute.payment_intent?.id ?? null);
  const payment = await lockPayment(tx, { paymentIntentId });
  if (!payment || payment.status === "disputed") return;
  await tx.payment.update({ where: { id: payment.id }, data: { status: "disputed", reviewReason: `dispute ${dispute.id}: ${dispute.reason}` } });
  if (payment.bookingId) {
    const booking = await lockBooking(tx, payment.bookingId);
    if (canTransition(booking.status, "disputed")) await tx.booking.update({ where: { id: booking.id }, data: { status: "disputed" } });
  }
  await appendTrace({ traceId: payment.traceId, type: "dispute.opened", source: "stripe", occurredAt: new Date(event.created * 1000), payload: { disputeId: dispute.id, reason: dispute.reason, amountCents: dispute.amount, paymentId: payment.id, eventId: event.id } }, tx);
}
