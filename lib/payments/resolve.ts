import "server-only";
import { AppError } from "@/lib/errors";
import { paymentGateway } from "./gateway";
import { lockBookingThenPayment, type Tx } from "./ledger";

/**
 * Finds and locks (booking first, then payment) the Booth payment a Stripe object is about: by
 * Booth's metadata, by payment intent, and, when the intent is not linked yet (its
 * checkout.session.completed has not been processed), by asking Stripe for the intent's metadata.
 * Null when the object belongs to something else on the same Stripe account. A failed lookup
 * throws, so the webhook answers 5xx and Stripe delivers the event again later.
 */
export async function resolvePayment(tx: Tx, ref: { paymentId?: string | null; paymentIntentId?: string | null }) {
  const found = await lockBookingThenPayment(tx, { id: ref.paymentId ?? null, paymentIntentId: ref.paymentIntentId ?? null });
  if (found || !ref.paymentIntentId) return found;
  const paymentId = await paymentGateway().paymentIdForIntent(ref.paymentIntentId);
  if (!paymentId) return null;
  const payment = await lockBookingThenPayment(tx, { id: paymentId });
  if (payment && !payment.stripePaymentIntentId) {
    await tx.payment.update({ where: { id: payment.id }, data: { stripePaymentIntentId: ref.paymentIntentId } });
    return { ...payment, stripePaymentIntentId: ref.paymentIntentId };
  }
  return payment;
}

export const idOf = (v: string | { id: string } | null | undefined) => (typeof v === "string" ? v : (v?.id ?? null));

/**
 * A refund or dispute about a payment Booth has not yet recorded as paid (its checkout event is
 * late or being retried) must wait: answering 5xx makes Stripe deliver it again after the payment.
 */
export function assertPaymentRecorded(payment: { id: string; status: string }, what: string) {
  if (payment.status === "pending" || payment.status === "expired" || payment.status === "failed") {
    throw new AppError("unavailable", `${what} arrived before payment ${payment.id} was recorded as paid; retry later.`);
  }
}
