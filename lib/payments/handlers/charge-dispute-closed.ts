import type Stripe from "stripe";
import type { BookingStatus, PaymentStatus } from "@/lib/generated/prisma/enums";
import { canTransition } from "@/lib/bookings/state";
import { appendTrace } from "@/lib/trace/service";
import type { HandlerContext } from "../checkout-events";
import { refundCeiling } from "../ledger";
import { idOf, resolvePayment } from "../resolve";

const paymentStatuses = new Set<string>(["paid", "partially_refunded", "refunded", "needs_review"]);
const bookingStatuses = new Set<string>(["confirmed", "completed", "cancelled"]);

/**
 * A dispute is over. Won (or an inquiry closed without a chargeback): the payment and booking go
 * back to the states they had before it opened, and the money counts in earnings again. Lost: the
 * payment stays disputed (out of earnings) and the trace says the bank took the money back.
 */
export default async function chargeDisputeClosed({ tx, event }: HandlerContext) {
  const dispute = event.data.object as Stripe.Dispute;
  const payment = await resolvePayment(tx, { paymentIntentId: idOf(dispute.payment_intent) });
  if (!payment) return;
  const already = await tx.traceEvent.findFirst({ where: { traceId: payment.traceId, type: "dispute.closed", payload: { path: ["disputeId"], equals: dispute.id } } });
  if (already) return;
  const opened = await tx.traceEvent.findFirst({ where: { traceId: payment.traceId, type: "dispute.opened", payload: { path: ["disputeId"], equals: dispute.id } }, orderBy: { id: "desc" } });
  const before = (opened?.payload ?? {}) as { paymentStatusBefore?: string; bookingStatusBefore?: string | null };
  const won = dispute.status === "won" || dispute.status === "warning_closed";

  if (won && payment.status === "disputed") {
    const fallback: PaymentStatus = payment.refundedCents === 0 ? "paid" : payment.refundedCents >= refundCeiling(payment) ? "refunded" : "partially_refunded";
    const status = before.paymentStatusBefore && paymentStatuses.has(before.paymentStatusBefore) ? (before.paymentStatusBefore as PaymentStatus) : fallback;
    await tx.payment.update({ where: { id: payment.id }, data: { status, reviewReason: null } });
    if (payment.bookingId && before.bookingStatusBefore && bookingStatuses.has(before.bookingStatusBefore)) {
      const booking = await tx.booking.findUniqueOrThrow({ where: { id: payment.bookingId } });
      const to = before.bookingStatusBefore as BookingStatus;
      if (booking.status === "disputed" && canTransition("disputed", to)) await tx.booking.update({ where: { id: booking.id }, data: { status: to } });
    }
  } else if (!won) {
    await tx.payment.update({ where: { id: payment.id }, data: { reviewReason: `dispute ${dispute.id} ${dispute.status}: ${dispute.reason}` } });
  }
  await appendTrace({
    traceId: payment.traceId, type: "dispute.closed", source: "stripe", occurredAt: new Date(event.created * 1000),
    payload: {
      disputeId: dispute.id, status: dispute.status, amountCents: dispute.amount, paymentId: payment.id, eventId: event.id,
      explanation: won ? "The dispute was decided for the platform; the payment counts again." : "The dispute was lost: the bank returned the money to the viewer, so this payment is out of earnings.",
    },
  }, tx);
}
