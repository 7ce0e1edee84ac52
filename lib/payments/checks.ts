import type Stripe from "stripe";
import { metadataKey, type PurchaseRef } from "./purchase";

/** Why a paid session may not confirm its purchase; empty when everything matches. */
export function checkoutMismatches(
  session: Pick<Stripe.Checkout.Session, "amount_total" | "currency" | "client_reference_id" | "metadata">,
  expected: { purchase: PurchaseRef; amountCents: number; currency: string },
) {
  const problems: string[] = [];
  const { kind, id } = expected.purchase;
  if (session.client_reference_id !== id) {
    problems.push(`client_reference_id ${session.client_reference_id ?? "(none)"} is not ${kind} ${id}`);
  }
  const named = session.metadata?.[metadataKey(kind)];
  if (named && named !== id) problems.push(`metadata.${metadataKey(kind)} ${named} is not ${kind} ${id}`);
  if (session.amount_total !== expected.amountCents) {
    problems.push(`amount ${session.amount_total ?? "(none)"} is not the expected ${expected.amountCents}`);
  }
  if ((session.currency ?? "").toUpperCase() !== expected.currency.toUpperCase()) {
    problems.push(`currency ${session.currency ?? "(none)"} is not ${expected.currency}`);
  }
  return problems;
}
