/**
 * The tip state machine (pure). Every write of tips.status goes through `transitionTip` (lib/tips/purchase.ts).
 *   pending_payment ──paid──▶ paid ──refund of all of it──▶ refunded
 *        └─checkout expired or failed──▶ failed
 */
import type { TipStatus } from "@/lib/generated/prisma/enums";

const transitions: Record<TipStatus, readonly TipStatus[]> = {
  pending_payment: ["paid", "failed"],
  failed: ["paid"],
  paid: ["refunded"],
  refunded: [],
};

export function canTransitionTip(from: TipStatus, to: TipStatus) {
  return transitions[from].includes(to);
}

export function assertTipTransition(from: TipStatus, to: TipStatus) {
  if (!canTransitionTip(from, to)) throw new Error(`tip cannot go from ${from} to ${to}`);
}
