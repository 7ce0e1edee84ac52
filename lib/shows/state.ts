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
import type { TicketStatus } from "@/lib/generated/prisma/enums";

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
