/** Cancellation and refund rules (pure). The same text is shown at checkout and applied on cancel. */
import type { BookingStatus } from "@/lib/generated/prisma/enums";

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

export type RescheduleDecision = { ok: true } | { ok: false; message: string };

/**
 * Whether `actor` may move a booking to another time at `now`, under the cancellation rules: the viewer
 * up to `freeCancellationHours` before the start (when a cancellation would still be refunded in full,
 * so moving is never a way around the policy); the creator and an admin any time before the start.
 * Only a confirmed booking moves (an unpaid hold is simply released and booked again).
 */
export function rescheduleDecision(input: {
  actor: CancelActor;
  status: BookingStatus;
  startsAt: Date;
  freeCancellationHours: number;
  now: Date;
}): RescheduleDecision {
  if (input.status !== "confirmed")
    return { ok: false, message: `This booking is ${input.status.replace("_", " ")}, so it cannot be moved.` };
  if (input.startsAt <= input.now)
    return { ok: false, message: "The session has already started; it cannot be moved." };
  if (input.actor !== "viewer") return { ok: true };
  const hoursBefore = (input.startsAt.getTime() - input.now.getTime()) / 3_600_000;
  if (hoursBefore >= input.freeCancellationHours) return { ok: true };
  return {
    ok: false,
    message: `A session can be moved up to ${input.freeCancellationHours} hours before it starts; it is too late now. Ask the creator, who can still move it.`,
  };
}

/** The last moment the viewer may move (or cancel for free): `freeCancellationHours` before the start. */
export function freeChangeDeadline(startsAt: Date, freeCancellationHours: number) {
  return new Date(startsAt.getTime() - freeCancellationHours * 3_600_000);
}

/**
 * SEQUENCE of a booking's calendar event (one UID per booking): 0 when confirmed, one more for each move,
 * and one more again once cancelled, so each file a calendar receives replaces the one before.
 */
export function calendarSequence(reschedules: number, cancelled: boolean) {
  return reschedules + (cancelled ? 1 : 0);
}
