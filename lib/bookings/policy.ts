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

/**
 * What may still be refunded of a payment (never negative): the ceiling (what was captured) less the
 * larger of Booth's own live refunds and what Stripe last reported refunded (which also counts
 * refunds made in Stripe's dashboard that Booth has not heard about refund by refund).
 */
export function refundableCents(ceilingCents: number, refunds: { amountCents: number; status: "requested" | "pending" | "succeeded" | "failed" }[], reportedRefundedCents = 0) {
  const committed = refunds.filter((r) => r.status !== "failed").reduce((sum, r) => sum + r.amountCents, 0);
  return Math.max(0, ceilingCents - Math.max(committed, reportedRefundedCents));
}

/** Creator earnings: gross paid, refunds, the platform's fee on what was kept, and net. */
export function earnings(input: { grossCents: number; refundedCents: number; feePercent: number }) {
  const kept = Math.max(0, input.grossCents - input.refundedCents);
  const feeCents = Math.round((kept * input.feePercent) / 100);
  return { grossCents: input.grossCents, refundedCents: input.refundedCents, feeCents, netCents: kept - feeCents };
}
