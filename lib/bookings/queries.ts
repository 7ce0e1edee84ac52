import "server-only";
import type { Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { earnings, publicRefundReason } from "./policy";
import { expandSlots, type Interval } from "./slots";

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
export async function getOpenSlots(offeringId: string, range: { from?: Date; days: number }, now = new Date()) {
  const offering = await db.offering.findUnique({
    where: { id: offeringId },
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
  const [busy, blackouts] = await Promise.all([
    db.booking.findMany({
      where: {
        creatorId: offering.creatorId,
        holdsSlot: true,
        startsAt: { lt: to },
        endsAt: { gt: from },
        OR: [{ status: "confirmed" }, { status: "pending_payment", holdExpiresAt: { gt: now } }],
      },
      select: { startsAt: true, endsAt: true },
    }),
    db.blackoutDate.findMany({ where: { creatorId: offering.creatorId }, select: { date: true } }),
  ]);
  const slots: Interval[] = expandSlots({
    rules: offering.creator.availability,
    timeZone: offering.creator.timeZone,
    blackoutDates: blackouts.map((b) => b.date.toISOString().slice(0, 10)),
    busy,
    durationMinutes: offering.durationMinutes,
    minNoticeMinutes: offering.minNoticeMinutes,
    horizonDays: offering.horizonDays,
    now,
    from,
    to,
  });
  return { creatorTimeZone: offering.creator.timeZone, slots };
}

/** An offering as the booking page shows it (null when not on sale). */
export async function getBookableOffering(offeringId: string) {
  const o = await db.offering.findUnique({
    where: { id: offeringId },
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
      offering: { select: { title: true, durationMinutes: true } },
      creator: { select: { displayName: true, slug: true, userId: true, timeZone: true } },
      viewer: { select: { name: true, email: true } },
      payments: { orderBy: { createdAt: "asc" }, include: { refunds: { orderBy: { createdAt: "asc" } } } },
    },
  });
  if (!booking) throw new AppError("not_found", "No such booking.");
  const role =
    booking.viewerId === actor.id
      ? "viewer"
      : booking.creator.userId === actor.id
        ? "creator"
        : actor.role === "admin"
          ? "admin"
          : null;
  if (!role) throw new AppError("not_found", "No such booking.");
  const trace =
    role === "admin"
      ? await db.traceEvent.findMany({
          where: { traceId: booking.traceId },
          orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
        })
      : [];
  if (role !== "admin") {
    // What an admin wrote as the reason for a refund is for the platform's staff, not for the two sides.
    for (const p of booking.payments) for (const r of p.refunds) r.reason = publicRefundReason(r.reason);
    for (const p of booking.payments) p.reviewReason = null;
  }
  return { booking, role, trace };
}

/** The creator's bookings (upcoming and past) and earnings from paid bookings. */
export async function getCreatorMoney(actor: Actor, now = new Date()) {
  const profile = await db.creatorProfile.findUnique({ where: { userId: actor.id }, select: { id: true } });
  if (!profile) return null;
  const bookings = await db.booking.findMany({
    where: { creatorId: profile.id, status: { in: ["confirmed", "completed", "cancelled", "disputed"] } },
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
      payments: { select: { amountCents: true, refundedCents: true, status: true, currency: true } },
    },
  });
  // A disputed payment is held out of earnings until the dispute is won (the bank may take it back).
  const byCurrency = new Map<string, { grossCents: number; refundedCents: number; disputedCents: number }>();
  for (const b of bookings) {
    for (const p of b.payments) {
      if (!["paid", "partially_refunded", "refunded", "disputed"].includes(p.status)) continue;
      const sums = byCurrency.get(p.currency) ?? { grossCents: 0, refundedCents: 0, disputedCents: 0 };
      if (p.status === "disputed") sums.disputedCents += p.amountCents - p.refundedCents;
      else {
        sums.grossCents += p.amountCents;
        sums.refundedCents += p.refundedCents;
      }
      byCurrency.set(p.currency, sums);
    }
  }
  return {
    upcoming: bookings.filter((b) => b.endsAt > now && b.status === "confirmed"),
    past: bookings.filter((b) => !(b.endsAt > now && b.status === "confirmed")).reverse(),
    feePercent: env.PLATFORM_FEE_PERCENT,
    earnings: [...byCurrency.entries()].map(([currency, s]) => ({
      currency,
      disputedCents: s.disputedCents,
      ...earnings({ grossCents: s.grossCents, refundedCents: s.refundedCents, feePercent: env.PLATFORM_FEE_PERCENT }),
    })),
  };
}

/** Admin: payments a human must look at (mismatches, disputes) and the latest paid bookings. */
export async function getAdminMoneyOverview(actor: Actor) {
  if (actor.role !== "admin") throw new AppError("forbidden", "You don't have permission to do that.");
  const select = {
    id: true,
    status: true,
    amountCents: true,
    currency: true,
    refundedCents: true,
    reviewReason: true,
    createdAt: true,
    bookingId: true,
    payer: { select: { email: true } },
  } as const;
  const [review, recent] = await Promise.all([
    db.payment.findMany({
      where: { OR: [{ status: { in: ["needs_review", "disputed"] } }, { reviewReason: { not: null } }] },
      orderBy: { updatedAt: "desc" },
      take: 50,
      select,
    }),
    db.payment.findMany({
      where: { status: { in: ["paid", "partially_refunded", "refunded"] } },
      orderBy: { paidAt: "desc" },
      take: 20,
      select,
    }),
  ]);
  return { review, recent };
}

/**
 * "Add to calendar": the booking's calendar file in the asker's own zone (the viewer's from the
 * booking, the creator's from their profile), for a booking that is or was on the calendar.
 */
export async function getBookingCalendar(actor: Actor, bookingId: string) {
  const { booking, role } = await getBookingForActor(actor, bookingId);
  if (
    !["confirmed", "completed", "cancelled", "disputed"].includes(booking.status) ||
    (booking.status === "cancelled" && !booking.payments.some((p) => p.paidAt))
  ) {
    throw new AppError("conflict", "This booking is not on the calendar: it was never confirmed.");
  }
  const [{ getBrand }, { bookingCalendarFile }] = await Promise.all([
    import("@/lib/branding/queries"),
    import("./emails"),
  ]);
  const zone = role === "creator" ? booking.creator.timeZone : booking.viewerTimeZone;
  return bookingCalendarFile(
    { ...booking, viewerName: booking.viewer.name, creatorName: booking.creator.displayName },
    (await getBrand()).name,
    zone,
    booking.status === "cancelled",
  );
}
