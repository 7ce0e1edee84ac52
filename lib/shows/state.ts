/**
 * The ticket state machine and its named status sets (pure). Every write of tickets.status goes through
 * `transitionTicket` (lib/shows/transition.ts), which checks this table first.
 *
 *   pending_payment ──paid──▶ paid ──refund of all of it──▶ refunded
 *        │                     └──cancelled (kept by policy, seat given back)──▶ cancelled
 *        ├─hold lapsed / checkout expired / payment failed──▶ expired ──late payment, seat still free──▶ paid
 *        └─buyer gave up──▶ cancelled
 *   expired, cancelled, refunded ──the same viewer buys again──▶ pending_payment (one ticket row per viewer and show)
 */
import type { GroupEventStatus, TicketStatus } from "@/lib/generated/prisma/enums";

const transitions: Record<TicketStatus, readonly TicketStatus[]> = {
  pending_payment: ["paid", "expired", "cancelled"],
  expired: ["paid", "pending_payment"],
  paid: ["refunded", "cancelled"],
  cancelled: ["pending_payment"],
  refunded: ["pending_payment"],
};

export function canTransitionTicket(from: TicketStatus, to: TicketStatus) {
  return transitions[from].includes(to);
}

export class IllegalTicketTransition extends Error {
  constructor(
    readonly from: TicketStatus,
    readonly to: TicketStatus,
  ) {
    super(`ticket cannot go from ${from} to ${to}`);
    this.name = "IllegalTicketTransition";
  }
}

export function assertTicketTransition(from: TicketStatus, to: TicketStatus) {
  if (!canTransitionTicket(from, to)) throw new IllegalTicketTransition(from, to);
}

/** A ticket that takes a seat: a live hold or a paid ticket (counted in group_events.ticketsSold). */
export const HOLDS_SEAT: ReadonlySet<TicketStatus> = new Set(["pending_payment", "paid"]);
/** A ticket the viewer may buy again (its seat was given back). */
export const REBUYABLE: ReadonlySet<TicketStatus> = new Set(["expired", "cancelled", "refunded"]);

/**
 * A show's own life: scheduled → live (its creator joined the room) → ended (the room closed); a scheduled
 * or live show can be cancelled (every ticket refunded). `transitionShow` (lib/shows/transition.ts) writes it.
 */

const showTransitions: Record<GroupEventStatus, readonly GroupEventStatus[]> = {
  scheduled: ["live", "ended", "cancelled"],
  live: ["ended", "cancelled"],
  ended: [],
  cancelled: [],
};

export function canTransitionShow(from: GroupEventStatus, to: GroupEventStatus) {
  return showTransitions[from].includes(to);
}

export function assertShowTransition(from: GroupEventStatus, to: GroupEventStatus) {
  if (!canTransitionShow(from, to)) throw new Error(`show cannot go from ${from} to ${to}`);
}

/** A show that sells tickets and whose room may open: not cancelled, not over. */
export const ON_SALE: ReadonlySet<GroupEventStatus> = new Set(["scheduled", "live"]);
