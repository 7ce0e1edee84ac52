/** Cancellation and refund rules (pure). The same text is shown at checkout and applied on cancel. */

export type CancelActor = "viewer" | "creator" | "admin";

export type RefundDecision = { refundCents: number; reason: string };

/** How much goes back to the viewer when `actor` cancels a paid booking at `now`. */
export function cancellationRefund(input: {
  actor: CancelActor;
  paidCents: number;
  alreadyRefundedCents: number;
  startsAt: Date;
  freeCancellationHours: number;
  now: Date;
}): RefundDecision {
  const remaining = Math.max(0, input.paidCents - input.alreadyRefundedCents);
  if (input.actor === "creator") return { refundCents: remaining, reason: "creator_cancelled" };
  if (input.actor === "admin") return { refundCents: remaining, reason: "admin_cancelled" };
  const hoursBefore = (input.startsAt.getTime() - input.now.getTime()) / 3_600_000;
  if (hoursBefore >= input.freeCancellationHours) return { refundCents: remaining, reason: "viewer_cancelled_in_time" };
  return { refundCents: 0, reason: "viewer_cancelled_late" };
}

/** The sentence shown at checkout and on the booking page. */
export function cancellationPolicyText(freeCancellationHours: number) {
  return `Free cancellation up to ${freeCancellationHours} hours before the start: you get a full refund. Later cancellations are not refunded. If the creator cancels, you always get a full refund.`;
}

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
 * rows Stripe has not seen yet (no Stripe id, so certainly not in Stripe's figure).
 */
export function committedRefundCents(p: PaymentMoney) {
  const live = p.refunds.filter((r) => r.status !== "failed");
  const rows = live.reduce((sum, r) => sum + r.amountCents, 0);
  const unseen = live.filter((r) => !r.stripeRefundId).reduce((sum, r) => sum + r.amountCents, 0);
  return Math.max(rows, p.refundedCents + unseen);
}

/** What may still be refunded of a payment (never negative). */
export function refundableCents(p: PaymentMoney) {
  return Math.max(0, refundCeiling(p) - committedRefundCents(p));
}

/** A refund's reason as the viewer and creator see it: codes in words, an admin's own note withheld. */
export function publicRefundReason(reason: string) {
  if (reason.startsWith("admin:")) return "refund by support";
  return reason.replaceAll("_", " ");
}

/** Creator earnings: gross paid, refunds, the platform's fee on what was kept, and net. */
export function earnings(input: { grossCents: number; refundedCents: number; feePercent: number }) {
  const kept = Math.max(0, input.grossCents - input.refundedCents);
  const feeCents = Math.round((kept * input.feePercent) / 100);
  return { grossCents: input.grossCents, refundedCents: input.refundedCents, feeCents, netCents: kept - feeCents };
}
