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
