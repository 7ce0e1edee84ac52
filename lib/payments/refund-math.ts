/** What of a payment can still be refunded, and what a creator earns (pure). */

export type RefundRow = {
  amountCents: number;
  status: "requested" | "pending" | "succeeded" | "failed";
  stripeRefundId: string | null;
};
export type PaymentMoney = {
  amountCents: number;
  capturedCents: number | null;
  refundedCents: number;
  refunds: RefundRow[];
};

/** The most that can be refunded of a payment: what Stripe captured when that differs from the price. */
export const refundCeiling = (p: { amountCents: number; capturedCents: number | null }) =>
  p.capturedCents ?? p.amountCents;

/**
 * What of a payment is refunded or on its way back: the larger of Booth's live refund rows and what
 * Stripe last reported refunded (which also counts refunds made in Stripe's dashboard) plus Booth's
 * rows Stripe has not seen yet (no Stripe id, so certainly not in Stripe's figure). Never more than was
 * captured: Stripe's figure is stored as reported, but nothing Booth shows or counts exceeds the ceiling.
 */
export function committedRefundCents(p: PaymentMoney) {
  const live = p.refunds.filter((r) => r.status !== "failed");
  const rows = live.reduce((sum, r) => sum + r.amountCents, 0);
  const unseen = live.filter((r) => !r.stripeRefundId).reduce((sum, r) => sum + r.amountCents, 0);
  return Math.min(refundCeiling(p), Math.max(rows, p.refundedCents + unseen));
}

/** What may still be refunded of a payment (never negative). */
export function refundableCents(p: PaymentMoney) {
  return Math.max(0, refundCeiling(p) - committedRefundCents(p));
}

/** A refund's reason as the buyer and creator see it: codes in words, an admin's own note withheld. */
export function publicRefundReason(reason: string) {
  if (reason.startsWith("admin:")) return "refund by support";
  return reason.replaceAll("_", " ");
}

/** Creator earnings: gross paid, refunds, the platform's fee on what was kept, and net. */
export function earnings(input: { grossCents: number; refundedCents: number; feePercent: number }) {
  const refundedCents = Math.min(input.grossCents, input.refundedCents);
  const kept = Math.max(0, input.grossCents - refundedCents);
  const feeCents = Math.round((kept * input.feePercent) / 100);
  return { grossCents: input.grossCents, refundedCents, feeCents, netCents: kept - feeCents };
}
