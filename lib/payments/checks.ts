import type Stripe from "stripe";

/** Why a paid session may not confirm its booking; empty when everything matches. */
export function checkoutMismatches(
  session: Pick<Stripe.Checkout.Session, "amount_total" | "currency" | "client_reference_id" | "metadata">,
  expected: { bookingId: string; amountCents: number; currency: string },
) {
  const problems: string[] = [];
  if (session.client_reference_id !== expected.bookingId)
    problems.push(
      `client_reference_id ${session.client_reference_id ?? "(none)"} is not booking ${expected.bookingId}`,
    );
  if (session.metadata?.bookingId && session.metadata.bookingId !== expected.bookingId)
    problems.push(`metadata.bookingId ${session.metadata.bookingId} is not booking ${expected.bookingId}`);
  if (session.amount_total !== expected.amountCents)
    problems.push(`amount ${session.amount_total ?? "(none)"} is not the expected ${expected.amountCents}`);
  if ((session.currency ?? "").toUpperCase() !== expected.currency.toUpperCase())
    problems.push(`currency ${session.currency ?? "(none)"} is not ${expected.currency}`);
  return problems;
}
