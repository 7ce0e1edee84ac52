import "server-only";
import { actingPartyOf } from "@/lib/auth/parties";
import { assertRole, type Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { AppError, isExclusionViolation } from "@/lib/errors";
import { lockPurchase } from "@/lib/payments/ledger";
import { takeBudget } from "@/lib/rate-limit";
import { appendTrace } from "@/lib/trace/service";
import { enqueueBookingEmails } from "./emails";
import { rescheduleDecision } from "./policy";
import { rescheduleBookingInput } from "./schemas";
import { SLOT_TAKEN } from "./service";
import { expandSlots } from "./slots";
import { expireLapsedHolds } from "./transition";

export const RESCHEDULE_NOT_OFFERED =
  "That time is not open (outside the creator's hours, too soon, or too far ahead). Please pick a time from the list.";

/**
 * Moves a confirmed booking to another open time of its own offering, in place: the same row, payment and
 * trace, so the LiveKit room (named after the booking), the refund rules and support's story follow it.
 *
 * - Who and when: the viewer up to `freeCancellationHours` before the start, the creator or an admin any
 *   time before it (`rescheduleDecision`, the rule the booking page also shows).
 * - Which times: a start the offering's weekly hours, days off, notice and horizon offer, for the booking's
 *   own length (what was paid for, even if the offering's length changed since).
 * - Money: none moves. The booking keeps the price paid at checkout (`priceCents`): a time move never
 *   charges or refunds a difference, whatever the offering costs today.
 * - Races: the booking's lock serialises moves and cancellations of this booking; the exclusion constraint
 *   (bookings_no_overlap_guard) decides against other bookings and holds, so two moves (or a move and a
 *   checkout) into one time give it to one and tell the other "that time was just taken" (409).
 * - Effects, in the same transaction: a `booking.rescheduled` trace event with both times, and mail to both
 *   sides whose calendar file keeps the UID with a higher SEQUENCE.
 */
export async function rescheduleBooking(actor: Actor, bookingId: string, raw: unknown) {
  assertRole(actor, ["viewer", "creator", "admin"]);
  const input = rescheduleBookingInput.parse(raw);
  await takeBudget("reschedule", actor.id);
  try {
    return await db.$transaction(async (tx) => {
      await lockPurchase(tx, { kind: "booking", id: bookingId });
      const booking = await tx.booking.findUnique({
        where: { id: bookingId },
        include: {
          offering: { select: { minNoticeMinutes: true, horizonDays: true } },
          creator: {
            select: {
              userId: true,
              timeZone: true,
              availability: { select: { weekday: true, startMinute: true, endMinute: true } },
              blackouts: { select: { date: true } },
            },
          },
          viewer: { select: { brandId: true } },
        },
      });
      const who = booking
        ? actingPartyOf(actor, {
            viewerId: booking.viewerId,
            creatorUserId: booking.creator.userId,
            brandId: booking.viewer.brandId,
          })
        : null;
      if (!booking || !who) throw new AppError("not_found", "No such booking.");
      const now = new Date();
      const decision = rescheduleDecision({
        actor: who,
        status: booking.status,
        startsAt: booking.startsAt,
        freeCancellationHours: booking.freeCancellationHours,
        now,
      });
      if (!decision.ok) throw new AppError("conflict", decision.message);

      const from = { startsAt: booking.startsAt, endsAt: booking.endsAt };
      const lengthMs = booking.endsAt.getTime() - booking.startsAt.getTime();
      const to = { startsAt: input.startsAt, endsAt: new Date(input.startsAt.getTime() + lengthMs) };
      if (to.startsAt.getTime() === from.startsAt.getTime())
        throw new AppError("invalid", "That is the booking's current time. Pick another time.", {
          startsAt: ["Pick a time other than the current one"],
        });
      const offered = expandSlots({
        rules: booking.creator.availability,
        timeZone: booking.creator.timeZone,
        blackoutDates: booking.creator.blackouts.map((b) => b.date.toISOString().slice(0, 10)),
        busy: [], // other bookings: the exclusion constraint below
        durationMinutes: Math.round(lengthMs / 60_000),
        minNoticeMinutes: booking.offering.minNoticeMinutes,
        horizonDays: booking.offering.horizonDays,
        now,
        from: to.startsAt,
        to: new Date(to.startsAt.getTime() + 1),
      });
      if (offered[0]?.startsAt.getTime() !== to.startsAt.getTime())
        throw new AppError("invalid", RESCHEDULE_NOT_OFFERED, { startsAt: ["Pick a time from the list"] });

      // A hold that lapsed but was not swept yet must not keep the new time from this booking.
      await expireLapsedHolds(tx, { creatorId: booking.creatorId, ...to });
      // In place: the exclusion constraint compares the row's new range with every other row that holds a
      // slot (never with itself), and throws 23P01 when the time is taken; the transaction then rolls back.
      const { count } = await tx.booking.updateMany({
        where: { id: booking.id, status: "confirmed" },
        data: { startsAt: to.startsAt, endsAt: to.endsAt },
      });
      if (count !== 1) throw new Error(`booking ${booking.id} changed under its lock`);
      await appendTrace(
        {
          traceId: booking.traceId,
          type: "booking.rescheduled",
          source: "app",
          actorId: actor.id,
          payload: {
            bookingId,
            by: who,
            fromStartsAt: from.startsAt.toISOString(),
            fromEndsAt: from.endsAt.toISOString(),
            toStartsAt: to.startsAt.toISOString(),
            toEndsAt: to.endsAt.toISOString(),
          },
        },
        tx,
      );
      await enqueueBookingEmails(tx, bookingId, { kind: "rescheduled", by: who, fromStartsAt: from.startsAt });
      return { id: bookingId, startsAt: to.startsAt, endsAt: to.endsAt, from };
    });
  } catch (err) {
    if (isExclusionViolation(err)) throw new AppError("conflict", SLOT_TAKEN);
    throw err;
  }
}
