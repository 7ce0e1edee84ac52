import "server-only";
import { AppError } from "@/lib/errors";
import { appendTrace } from "@/lib/trace/service";
import { paymentGateway } from "./gateway";
import { lockPurchaseThenPayment } from "./ledger";
import { isUnsettled } from "./payment-state";
import type { Tx } from "./purchase";

/**
 * Finds and locks (purchase first, then payment) the Booth payment a Stripe object is about: by Booth's
 * metadata, by payment intent, and, when the intent is not linked yet (its checkout.session.completed has
 * not been processed), by asking Stripe for the intent's metadata. Null when the object belongs to
 * something else on the same Stripe account. A failed lookup throws, so the webhook answers 5xx and
 * Stripe delivers the event again later.
 */
export async function resolvePayment(tx: Tx, ref: { paymentId?: string | null; paymentIntentId?: string | null }) {
  const found = await lockPurchaseThenPayment(tx, {
    id: ref.paymentId ?? null,
    paymentIntentId: ref.paymentIntentId ?? null,
  });
  if (found || !ref.paymentIntentId) return found;
  const paymentId = await paymentGateway().paymentIdForIntent(ref.paymentIntentId);
  if (!paymentId) return null;
  const payment = await lockPurchaseThenPayment(tx, { id: paymentId });
  if (payment && !payment.stripePaymentIntentId) {
    await tx.payment.update({ where: { id: payment.id }, data: { stripePaymentIntentId: ref.paymentIntentId } });
    return { ...payment, stripePaymentIntentId: ref.paymentIntentId };
  }
  return payment;
}

export const idOf = (v: string | { id: string } | null | undefined) => (typeof v === "string" ? v : (v?.id ?? null));

/** How long a refund or dispute waits (5xx, Stripe retries) for its payment's success to be recorded. */
export const AWAIT_PAYMENT_MS = 6 * 60 * 60_000;

/**
 * A refund or dispute about a payment Booth has not recorded as paid (its checkout event is late or
 * being retried) waits: answering 5xx makes Stripe deliver it again after the payment. Past
 * AWAIT_PAYMENT_MS it stops waiting (the checkout event may never come): the payment is flagged for a
 * person and the event is acknowledged. True when the caller should apply the event.
 */
export async function awaitPaymentRecorded(
  tx: Tx,
  payment: { id: string; status: Parameters<typeof isUnsettled>[0]; traceId: string },
  what: string,
  event: { id: string; created: number },
) {
  if (!isUnsettled(payment.status)) return true;
  if (Date.now() - event.created * 1000 < AWAIT_PAYMENT_MS) {
    throw new AppError(
      "unavailable",
      `${what} arrived before payment ${payment.id} was recorded as paid; retry later.`,
    );
  }
  await tx.payment.update({
    where: { id: payment.id },
    data: { reviewReason: `${what} for a payment Booth has as ${payment.status}, never paid: check it in Stripe` },
  });
  await appendTrace(
    {
      traceId: payment.traceId,
      type: "payment.flagged",
      source: "stripe",
      payload: { paymentId: payment.id, reasons: [`${what} (event ${event.id}) for a payment never recorded as paid`] },
    },
    tx,
  );
  return false;
}
