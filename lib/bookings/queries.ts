import "server-only";
import { actingPartyOf } from "@/lib/auth/parties";
import type { Actor } from "@/lib/auth/permissions";
import { getBrand } from "@/lib/branding/queries";
import { db } from "@/lib/db";
import { personalZone } from "@/lib/time";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { earningsOf } from "@/lib/payments/queries";
import { formatMoney } from "@/lib/money";
import { HAS_MONEY_LEFT } from "@/lib/payments/payment-state";
import { committedRefundCents, publicRefundReason, refundableCents, refundCeiling } from "@/lib/payments/refund-math";
import { countTrace, readTrace } from "@/lib/trace/service";
import { bookingCalendarFile } from "./emails";
import {
  calendarSequence,
  cancellationPolicyText,
  cancellationRefund,
  freeChangeDeadline,
  rescheduleDecision,
} from "./policy";
import { expandSlots, type Interval } from "./slots";
import { CREATOR_VISIBLE, PAID_BOOKING } from "./state";

/** The viewer's own bookings, soonest first; only ever the signed-in user's. */
export async function listViewerBookings(viewerId: string) {
  return db.booking.findMany({
    where: { viewerId, status: { notIn: ["expired"] } },
    orderBy: { startsAt: "asc" },
    take: 100,
    select: {
      id: true,
      startsAt: true,
      endsAt: true,
      status: true,
      priceCents: true,
      currency: true,
      offering: { select: { title: true } },
      creator: { select: { displayName: true, slug: true } },
      payments: {
        select: { status: true, amountCents: true, refundedCents: true, paidAt: true },
        orderBy: { createdAt: "asc" },
      },
    },
  });
}

/**
 * Open slots of one offering between `from` and `from + days`: the creator's weekly hours minus
 * blackout days, minimum notice, the horizon, confirmed bookings and live holds.
 */
export async function getOpenSlots(
  offeringId: string,
  range: { from?: Date; days: number },
  brandId: string,
  now = new Date(),
) {
  // Only the request's brand sells its creators' times: another brand's offering is a missing one.
  const offering = await db.offering.findFirst({
    where: { id: offeringId, creator: { user: { brandId } } },
    select: {
      id: true,
      kind: true,
      active: true,
      durationMinutes: true,
      minNoticeMinutes: true,
      horizonDays: true,
      creatorId: true,
      creator: {
        select: {
          timeZone: true,
          published: true,
          availability: { select: { weekday: true, startMinute: true, endMinute: true } },
        },
      },
    },
  });
  if (!offering?.active || !offering.creator.published || offering.kind !== "private_session") return null;
  const from = range.from && range.from > now ? range.from : now;
  const to = new Date(from.getTime() + range.days * 86_400_000);
  const slots = await openSlotsOf(
    {
      creatorId: offering.creatorId,
      rules: offering.creator.availability,
      timeZone: offering.creator.timeZone,
      durationMinutes: offering.durationMinutes,
      minNoticeMinutes: offering.minNoticeMinutes,
      horizonDays: offering.horizonDays,
    },
    { from, to, now },
  );
  return { creatorTimeZone: offering.creator.timeZone, slots };
}

/**
 * A creator's open times of one length in [from, to): weekly hours minus blackout days, notice, horizon,
 * confirmed bookings and live holds (but `excludeBookingId`'s own time, which a move may overlap).
 */
async function openSlotsOf(
  s: {
    creatorId: string;
    rules: { weekday: number; startMinute: number; endMinute: number }[];
    timeZone: string;
    durationMinutes: number;
    minNoticeMinutes: number;
    horizonDays: number;
  },
  range: { from: Date; to: Date; now: Date; excludeBookingId?: string },
): Promise<Interval[]> {
  const { from, to, now } = range;
  const [busy, blackouts] = await Promise.all([
    db.booking.findMany({
      where: {
        creatorId: s.creatorId,
        holdsSlot: true,
        startsAt: { lt: to },
        endsAt: { gt: from },
        OR: [{ status: "confirmed" }, { status: "pending_payment", holdExpiresAt: { gt: now } }],
        ...(range.excludeBookingId ? { id: { not: range.excludeBookingId } } : {}),
      },
      select: { startsAt: true, endsAt: true },
    }),
    db.blackoutDate.findMany({ where: { creatorId: s.creatorId }, select: { date: true } }),
  ]);
  return expandSlots({
    rules: s.rules,
    timeZone: s.timeZone,
    blackoutDates: blackouts.map((b) => b.date.toISOString().slice(0, 10)),
    busy,
    durationMinutes: s.durationMinutes,
    minNoticeMinutes: s.minNoticeMinutes,
    horizonDays: s.horizonDays,
    now,
    from,
    to,
  });
}

/** How far ahead the booking page offers times to move a booking to (within the offering's horizon). */
export const RESCHEDULE_WINDOW_DAYS = 14;

/**
 * The times a booking can move to (the same rules as `rescheduleBooking`): open starts of its offering, for
 * the booking's own length, over the next RESCHEDULE_WINDOW_DAYS; its current time left out.
 */
async function rescheduleSlotsOf(
  b: {
    id: string;
    creatorId: string;
    startsAt: Date;
    endsAt: Date;
    offering: { minNoticeMinutes: number; horizonDays: number };
  },
  now: Date,
) {
  const creator = await db.creatorProfile.findUniqueOrThrow({
    where: { id: b.creatorId },
    select: { timeZone: true, availability: { select: { weekday: true, startMinute: true, endMinute: true } } },
  });
  const slots = await openSlotsOf(
    {
      creatorId: b.creatorId,
      rules: creator.availability,
      timeZone: creator.timeZone,
      durationMinutes: Math.round((b.endsAt.getTime() - b.startsAt.getTime()) / 60_000),
      minNoticeMinutes: b.offering.minNoticeMinutes,
      horizonDays: b.offering.horizonDays,
    },
    { from: now, to: new Date(now.getTime() + RESCHEDULE_WINDOW_DAYS * 86_400_000), now, excludeBookingId: b.id },
  );
  return slots
    .filter((s) => s.startsAt.getTime() !== b.startsAt.getTime())
    .map((s) => ({ startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() }));
}

/** An offering as the booking page shows it (null when not on sale, or not on sale on `brandId`, the request's brand). */
export async function getBookableOffering(offeringId: string, brandId: string) {
  const o = await db.offering.findFirst({
    where: { id: offeringId, creator: { user: { brandId } } },
    select: {
      id: true,
      title: true,
      description: true,
      kind: true,
      active: true,
      durationMinutes: true,
      horizonDays: true,
      priceCents: true,
      currency: true,
      freeCancellationHours: true,
      recordingPolicy: true,
      creator: { select: { displayName: true, slug: true, timeZone: true, published: true, userId: true } },
    },
  });
  if (!o?.active || !o.creator.published || o.kind !== "private_session") return null;
  return o;
}

/**
 * One booking with its payments, refunds and trace, for its viewer, its creator or an admin only.
 * Anyone else is told it does not exist.
 */
export async function getBookingForActor(actor: Actor, bookingId: string) {
  const booking = await db.booking.findUnique({
    where: { id: bookingId },
    include: {
      offering: { select: { title: true, durationMinutes: true, minNoticeMinutes: true, horizonDays: true } },
      creator: { select: { displayName: true, slug: true, userId: true, timeZone: true } },
      viewer: { select: { name: true, email: true, timeZone: true, brandId: true } },
      payments: { orderBy: { createdAt: "asc" }, include: { refunds: { orderBy: { createdAt: "asc" } } } },
    },
  });
  if (!booking) throw new AppError("not_found", "No such booking.");
  const role = actingPartyOf(actor, {
    viewerId: booking.viewerId,
    creatorUserId: booking.creator.userId,
    brandId: booking.viewer.brandId,
  });
  if (!role) throw new AppError("not_found", "No such booking.");
  const trace = role === "admin" ? await readTrace(booking.traceId) : [];
  // Stripe's figures are stored as reported; a page never shows a refund above what was captured.
  for (const p of booking.payments)
    for (const r of p.refunds) r.amountCents = Math.min(r.amountCents, refundCeiling(p));
  if (role !== "admin") {
    // What an admin wrote as the reason for a refund is for the platform's staff, not for the two sides.
    for (const p of booking.payments) for (const r of p.refunds) r.reason = publicRefundReason(r.reason);
    for (const p of booking.payments) p.reviewReason = null;
  }
  return { booking, role, trace };
}

/**
 * The booking page's view model: the booking for its viewer, creator or an admin, with what the page
 * offers decided here rather than in JSX — which payment to show, whether it can be cancelled and what a
 * cancellation would refund, whether an admin can refund, and whether the page waits for the webhook.
 */
export async function getBookingPage(actor: Actor, bookingId: string, checkout: string | undefined, now = new Date()) {
  const view = await getBookingForActor(actor, bookingId);
  const { booking: b, role } = view;
  // The payment to show: the one that went through, else the latest attempt.
  const shown = b.payments.find((p) => p.status !== "expired" && p.status !== "failed") ?? b.payments.at(-1) ?? null;
  const paid = b.payments.find((p) => p.status === "paid" || p.status === "partially_refunded") ?? null;
  const canCancel = b.status === "confirmed" && (role === "viewer" ? b.startsAt > now : b.endsAt > now);
  const cancelRefund =
    canCancel && paid
      ? cancellationRefund({
          actor: role,
          paidCents: refundCeiling(paid),
          alreadyRefundedCents: committedRefundCents(paid),
          startsAt: b.startsAt,
          freeCancellationHours: b.freeCancellationHours,
          now,
        })
      : null;
  const adminRefundable = shown && b.payments.some((p) => HAS_MONEY_LEFT.has(p.status)) ? refundableCents(shown) : null;
  const reschedule = rescheduleDecision({
    actor: role,
    status: b.status,
    startsAt: b.startsAt,
    freeCancellationHours: b.freeCancellationHours,
    now,
  });
  // What the two sides did to the booking, from its trace: the last move, and who cancelled and why.
  const changes = await readTrace(b.traceId, { types: ["booking.rescheduled", "booking.cancelled"] });
  let lastMove: { by: string; fromStartsAt: string } | null = null;
  let cancelledBy: { by: string; reason: string | null } | null = null;
  for (const e of changes) {
    if (e.ok && e.type === "booking.rescheduled") lastMove = { by: e.payload.by, fromStartsAt: e.payload.fromStartsAt };
    if (e.ok && e.type === "booking.cancelled") cancelledBy = { by: e.payload.by, reason: e.payload.reason ?? null };
  }
  const party = (by: string) =>
    by === role ? "you" : by === "admin" ? "support" : by === "creator" ? b.creator.displayName : b.viewer.name;
  const joinEarly = env.SESSION_JOIN_EARLY_MINUTES;
  const money = (cents: number) => formatMoney(cents, b.currency);
  const otherSide = role === "viewer" ? b.creator.displayName : role === "creator" ? b.viewer.name : "both sides";
  return {
    ...view,
    payment: shown,
    canCancel,
    cancelRefund,
    /** The two-step cancel: what it does to the money, who reads the reason, and the last button's words. */
    cancelForm:
      canCancel && cancelRefund
        ? {
            consequence:
              cancelRefund.refundCents > 0
                ? `${role === "viewer" ? "You get" : "The viewer gets"} a refund of ${money(cancelRefund.refundCents)}.`
                : "It is less than the free-cancellation window before the start: there is no refund.",
            reasonLabel: `Reason (optional, shown to ${otherSide})`,
            confirmText:
              cancelRefund.refundCents > 0
                ? `Yes, cancel and refund ${money(cancelRefund.refundCents)}`
                : "Yes, cancel",
          }
        : null,
    /** Moving the booking: allowed now (with the times it can move to), or why not (null: nothing to say). */
    reschedule: reschedule.ok
      ? {
          allowed: true as const,
          slots: await rescheduleSlotsOf(b, now),
          priceNote: `The price stays ${money(b.priceCents)}, already paid: moving charges nothing more and refunds nothing. Both of you get an email with the updated calendar entry.`,
        }
      : b.status === "confirmed" && b.startsAt > now
        ? { allowed: false as const, why: reschedule.message }
        : null,
    /** The last move, in words for this reader ("Moved by Sam Rivera from …"). */
    moved: lastMove ? { by: party(lastMove.by), fromStartsAt: lastMove.fromStartsAt } : null,
    /** A cancelled booking: who cancelled and the reason they typed (null when none was typed). */
    cancellation:
      b.status === "cancelled"
        ? cancelledBy
          ? { by: party(cancelledBy.by), reason: cancelledBy.reason }
          : { by: null, reason: b.cancelReason }
        : null,
    /** Back from a checkout that went through: "You're booked" and what happens next. */
    booked:
      checkout === "success" && b.status === "confirmed" && role === "viewer"
        ? {
            startsAt: b.startsAt.toISOString(),
            next: [
              {
                text: `The room opens ${joinEarly} minutes before the start, at `,
                at: new Date(b.startsAt.getTime() - joinEarly * 60_000).toISOString(),
                after: `. Come back to this page and press "Join session": you check your camera and microphone first, and nobody sees you until you press Join.`,
              },
              {
                text: `We emailed the booking to ${b.viewer.email} with a calendar file; "Add to calendar" above gives the same file.`,
              },
              reschedule.ok
                ? {
                    text: "You can move or cancel it for free (full refund) until ",
                    at: freeChangeDeadline(b.startsAt, b.freeCancellationHours).toISOString(),
                    after: ", on this page. Later cancellations are not refunded.",
                  }
                : { text: cancellationPolicyText(b.freeCancellationHours) },
            ] as { text: string; at?: string; after?: string }[],
          }
        : null,
    /** What an admin may still refund (null: nothing that went through). */
    adminRefundable: role === "admin" ? adminRefundable : null,
    /** Back from checkout before the webhook: the page says so and looks again. */
    confirming: checkout === "success" && b.status === "pending_payment" && shown?.status === "pending",
    resumeCheckoutUrl:
      b.status === "pending_payment" && role === "viewer" && checkout !== "success"
        ? (shown?.checkoutUrl ?? null)
        : null,
  };
}

/** The creator's bookings (upcoming and past) and earnings from all they sell (bookings, tickets, tips). */
export async function getCreatorMoney(actor: Actor, now = new Date()) {
  const profile = await db.creatorProfile.findUnique({ where: { userId: actor.id }, select: { id: true } });
  if (!profile) return null;
  const visible = { creatorId: profile.id, status: { in: [...CREATOR_VISIBLE] } };
  const [bookings, earnings] = await Promise.all([
    db.booking.findMany({
      where: visible,
      orderBy: { startsAt: "asc" },
      take: 500,
      select: {
        id: true,
        startsAt: true,
        endsAt: true,
        status: true,
        currency: true,
        priceCents: true,
        offering: { select: { title: true } },
        viewer: { select: { name: true } },
      },
    }),
    // Everything the creator sells: bookings, show tickets and tips.
    earningsOf([
      { booking: visible },
      { ticket: { event: { creatorId: profile.id } } },
      { tip: { creatorId: profile.id } },
    ]),
  ]);
  return {
    upcoming: bookings.filter((b) => b.endsAt > now && b.status === "confirmed"),
    past: bookings.filter((b) => !(b.endsAt > now && b.status === "confirmed")).reverse(),
    feePercent: env.PLATFORM_FEE_PERCENT,
    earnings,
  };
}

/**
 * "Add to calendar": the booking's calendar file in the asker's own zone (the viewer's from the
 * booking, the creator's from their profile), for a booking that is or was on the calendar.
 */
export async function getBookingCalendar(actor: Actor, bookingId: string) {
  const { booking, role } = await getBookingForActor(actor, bookingId);
  const wasPaid =
    PAID_BOOKING.has(booking.status) || (booking.status === "cancelled" && booking.payments.some((p) => p.paidAt));
  if (!wasPaid) {
    throw new AppError("conflict", "This booking is not on the calendar: it was never confirmed.");
  }
  const zone =
    role === "creator" ? booking.creator.timeZone : personalZone(booking.viewer.timeZone, booking.viewerTimeZone);
  const cancelled = booking.status === "cancelled";
  return bookingCalendarFile(
    { ...booking, viewerName: booking.viewer.name, creatorName: booking.creator.displayName },
    await getBrand(),
    zone,
    cancelled,
    calendarSequence(await countTrace(booking.traceId, "booking.rescheduled"), cancelled),
  );
}
