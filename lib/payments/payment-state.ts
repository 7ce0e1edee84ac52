/**
 * The payment state machine and its named status sets (pure). Every write of payments.status goes through
 * `transitionPayment` (lib/payments/ledger.ts), which checks this table first.
 *
 *   pending ──paid──▶ paid ⇄ partially_refunded ⇄ refunded      (a refund that fails after succeeding goes back)
 *      │ ├─checkout expired──▶ expired ──late payment──▶ paid
 *      │ └─payment failed───▶ failed ───paid after all──▶ paid
 *      └─amount, currency or purchase does not match──▶ needs_review
 *   paid, partially_refunded, refunded, needs_review ──dispute──▶ disputed ──won──▶ the state it had before
 */
import type { PaymentStatus } from "@/lib/generated/prisma/enums";

const transitions: Record<PaymentStatus, readonly PaymentStatus[]> = {
  pending: ["paid", "failed", "expired", "needs_review"],
  expired: ["paid", "failed", "needs_review"],
  failed: ["paid", "needs_review"],
  paid: ["partially_refunded", "refunded", "disputed"],
  partially_refunded: ["paid", "refunded", "disputed"],
  refunded: ["paid", "partially_refunded", "disputed"],
  needs_review: ["disputed"],
  // A dispute the platform wins puts the payment back where it was (by what is refunded by then).
  disputed: ["paid", "partially_refunded", "refunded", "needs_review"],
};

export function canTransitionPayment(from: PaymentStatus, to: PaymentStatus) {
  return from === to || transitions[from].includes(to);
}

export class IllegalPaymentTransition extends Error {
  constructor(
    readonly from: PaymentStatus,
    readonly to: PaymentStatus,
  ) {
    super(`payment cannot go from ${from} to ${to}`);
    this.name = "IllegalPaymentTransition";
  }
}

export function assertPaymentTransition(from: PaymentStatus, to: PaymentStatus) {
  if (!canTransitionPayment(from, to)) throw new IllegalPaymentTransition(from, to);
}

/** Not settled yet: the buyer has not paid (or Booth has not heard). A refund or dispute about it waits. */
export const isUnsettled = (s: PaymentStatus) => s === "pending" || s === "expired" || s === "failed";
/** Money went through and is on the ledger (refunded, in part or whole, or disputed since). */
export const SETTLED: ReadonlySet<PaymentStatus> = new Set(["paid", "partially_refunded", "refunded", "disputed"]);
/** Money a refund can still come out of (a payment flagged for review was captured too). */
export const REFUNDABLE: ReadonlySet<PaymentStatus> = new Set([...SETTLED, "needs_review"]);
/** The payment of a purchase that a person may refund from its page (a fully refunded one has nothing left). */
export const HAS_MONEY_LEFT: ReadonlySet<PaymentStatus> = new Set([
  "paid",
  "partially_refunded",
  "disputed",
  "needs_review",
]);
/** Counted in earnings (a disputed payment is held out until the dispute is won). */
export const EARNING: ReadonlySet<PaymentStatus> = new Set(["paid", "partially_refunded", "refunded"]);
/** Statuses whose refunded amount decides the status (paid, partially or fully refunded). */
export const BY_REFUNDS: ReadonlySet<PaymentStatus> = new Set(["paid", "partially_refunded", "refunded"]);

/** The status a settled payment has for its refunded amount. */
export function refundStatus(refundedCents: number, ceilingCents: number): "paid" | "refunded" | "partially_refunded" {
  return refundedCents <= 0 ? "paid" : refundedCents >= ceilingCents ? "refunded" : "partially_refunded";
}
