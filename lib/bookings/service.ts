import "server-only";
import crypto from "node:crypto";
import { assertRole, type Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, isExclusionViolation } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { AfterCommit } from "@/lib/payments/after-commit";
import { paymentGateway } from "@/lib/payments/gateway";
import { createRefundInTx } from "@/lib/payments/refunds";
import { appendTrace } from "@/lib/trace/service";
import { enqueueBookingEmails } from "./emails";
import { releaseLapsedHolds } from "./holds";
import { cancellationRefund, committedRefundCents, refundCeiling, type CancelActor } from "./policy";
import { bookSlotInput, cancelBookingInput } from "./schemas";
import { expandSlots } from "./slots";
import { assertTransition } from "./state";

const log = logger.child({ module: "bookings" });

export const SLOT_TAKEN = "That time was just taken by someone else. Please pick another time.";

/**
 * A viewer picks a slot: Booth holds it for BOOKING_HOLD_MINUTES as a pending_payment booking and
 * opens a checkout for it. The exclusion constraint on bookings decides races: of any number of
 * buyers for one time, one gets the hold and every other is told the time was taken.
 */
export async function bookSlot(
  actor: Actor,
  raw: unknown,
): Promise<{ bookingId: string; checkoutUrl: string; resumed: boolean }> {
  assertRole(actor, ["viewer", "creator", "admin"]);
  const input = bookSlotInput.parse(raw);
  const offering = await db.offering.findUnique({
    where: { id: input.offeringId },
    include: { creator: { include: { availability: true, blackouts: true, user: { select: { status: true } } } } },
  });
  if (!offering?.active || !offering.creator.published || offering.creator.user.status !== "active") {
    throw new AppError("not_found", "This session is not on sale.");
  }
  if (offering.kind !== "private_session")
    throw new AppError("invalid", "Group rooms are sold as tickets, not by time slot.");
  if (offering.creator.userId === actor.id) throw new AppError("invalid", "You can't book your own session.");

  const now = new Date();
  const endsAt = new Date(input.startsAt.getTime() + offering.durationMinutes * 60_000);
  const offered = expandSlots({
    rules: offering.creator.availability,
    timeZone: offering.creator.timeZone,
    blackoutDates: offering.creator.blackouts.map((b) => b.date.toISOString().slice(0, 10)),
    busy: [],
    durationMinutes: offering.durationMinutes,
    minNoticeMinutes: offering.minNoticeMinutes,
    horizonDays: offering.horizonDays,
    now,
    from: input.startsAt,
    to: new Date(input.startsAt.getTime() + 1),
  });
  if (offered[0]?.startsAt.getTime() !== input.startsAt.getTime()) {
    throw new AppError(
      "invalid",
      "That time is not open for booking (outside the creator's hours, too soon, or too far ahead). Please pick a time from the list.",
    );
  }

  // A second click on the same time while the first hold lives: go back to the same checkout.
  const own = await db.booking.findFirst({
    where: {
      viewerId: actor.id,
      offeringId: offering.id,
      startsAt: input.startsAt,
      status: "pending_payment",
      holdsSlot: true,
      holdExpiresAt: { gt: now },
    },
    include: { payments: { where: { status: "pending" }, take: 1 } },
  });
  if (own?.payments[0]?.checkoutUrl)
    return { bookingId: own.id, checkoutUrl: own.payments[0].checkoutUrl, resumed: true };

  const holdExpiresAt = new Date(now.getTime() + env.BOOKING_HOLD_MINUTES * 60_000);
  let held: { bookingId: string; paymentId: string; traceId: string };
  try {
    held = await db.$transaction(async (tx) => {
      await releaseLapsedHolds(tx, { creatorId: offering.creatorId, startsAt: input.startsAt, endsAt });
      const booking = await tx.booking.create({
        data: {
          offeringId: offering.id,
          creatorId: offering.creatorId,
          viewerId: actor.id,
          startsAt: input.startsAt,
          endsAt,
          status: "pending_payment",
          holdsSlot: true,
          holdExpiresAt,
          priceCents: offering.priceCents,
          currency: offering.currency,
          viewerTimeZone: input.timeZone,
          freeCancellationHours: offering.freeCancellationHours,
        },
      });
      const payment = await tx.payment.create({
        data: {
          traceId: booking.traceId,
          kind: "booking",
          bookingId: booking.id,
          payerId: actor.id,
          amountCents: offering.priceCents,
          currency: offering.currency,
        },
      });
      await appendTrace(
        {
          traceId: booking.traceId,
          type: "booking.held",
          source: "app",
          actorId: actor.id,
          payload: {
            bookingId: booking.id,
            offeringId: offering.id,
            startsAt: input.startsAt.toISOString(),
            endsAt: endsAt.toISOString(),
            holdExpiresAt: holdExpiresAt.toISOString(),
            priceCents: offering.priceCents,
            currency: offering.currency,
          },
        },
        tx,
      );
      return { bookingId: booking.id, paymentId: payment.id, traceId: booking.traceId };
    });
  } catch (err) {
    if (isExclusionViolation(err)) throw new AppError("conflict", SLOT_TAKEN);
    throw err;
  }

  try {
    const checkout = await paymentGateway().createCheckout({
      paymentId: held.paymentId,
      bookingId: held.bookingId,
      traceId: held.traceId,
      title: `${offering.title} with ${offering.creator.displayName}`,
      description: `${offering.durationMinutes}-minute private video session`,
      amountCents: offering.priceCents,
      currency: offering.currency,
      customerEmail: actor.email,
      expiresAt: holdExpiresAt,
      successUrl: `${env.APP_URL}/bookings/${held.bookingId}?checkout=success`,
      cancelUrl: `${env.APP_URL}/bookings/${held.bookingId}?checkout=cancelled`,
      idempotencyKey: `checkout:${held.paymentId}`,
    });
    await db.$transaction(async (tx) => {
      await tx.payment.update({
        where: { id: held.paymentId },
        data: {
          stripeCheckoutSessionId: checkout.id,
          checkoutUrl: checkout.url,
          checkoutExpiresAt: checkout.expiresAt,
        },
      });
      await appendTrace(
        {
          traceId: held.traceId,
          type: "checkout.created",
          source: "app",
          actorId: actor.id,
          payload: {
            paymentId: held.paymentId,
            checkoutSessionId: checkout.id,
            mode: paymentGateway().mode,
            expiresAt: checkout.expiresAt.toISOString(),
          },
        },
        tx,
      );
    });
    return { bookingId: held.bookingId, checkoutUrl: checkout.url, resumed: false };
  } catch (err) {
    log.error({ err, bookingId: held.bookingId }, "checkout could not be created; hold released");
    await db.$transaction(async (tx) => {
      await tx.booking.update({ where: { id: held.bookingId }, data: { status: "expired", holdsSlot: false } });
      await tx.payment.update({ where: { id: held.paymentId }, data: { status: "failed" } });
      await appendTrace(
        {
          traceId: held.traceId,
          type: "checkout.failed",
          source: "app",
          payload: { paymentId: held.paymentId, error: err instanceof Error ? err.message.slice(0, 300) : "unknown" },
        },
        tx,
      );
    });
    throw new AppError(
      "unavailable",
      "Payments are unavailable right now, so nothing was charged and the time is free again. Please try again in a minute.",
    );
  }
}

function cancelActorOf(actor: Actor, booking: { viewerId: string; creator: { userId: string } }): CancelActor | null {
  if (booking.creator.userId === actor.id) return "creator";
  if (booking.viewerId === actor.id) return "viewer";
  if (actor.role === "admin") return "admin";
  return null;
}

/**
 * Cancels a booking. A held (unpaid) booking is simply released. A confirmed one is refunded by the
 * policy shown at checkout: the viewer in full up to freeCancellationHours before, else nothing; the
 * creator or an admin always in full.
 */
export async function cancelBooking(actor: Actor, bookingId: string, raw: unknown = {}) {
  assertRole(actor, ["viewer", "creator", "admin"]);
  const { reason } = cancelBookingInput.parse(raw);
  const after = new AfterCommit();
  const result = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM bookings WHERE id = ${bookingId} FOR UPDATE`;
    const booking = await tx.booking.findUnique({
      where: { id: bookingId },
      include: { creator: { select: { userId: true } }, payments: { include: { refunds: true } } },
    });
    const who = booking ? cancelActorOf(actor, booking) : null;
    if (!booking || !who) throw new AppError("not_found", "No such booking.");
    const now = new Date();
    if (booking.status === "pending_payment") {
      if (who !== "viewer" && who !== "admin")
        throw new AppError("conflict", "This booking is not paid yet; it will be released if the viewer does not pay.");
      await tx.booking.update({
        where: { id: bookingId },
        data: {
          status: "cancelled",
          holdsSlot: false,
          cancelledAt: now,
          cancelledById: actor.id,
          cancelReason: reason ?? "released before payment",
        },
      });
      // The checkout may still be paid; the webhook then refunds it (the booking is cancelled).
      await tx.payment.updateMany({ where: { bookingId, status: "pending" }, data: { status: "expired" } });
      for (const p of booking.payments)
        if (p.status === "pending" && p.stripeCheckoutSessionId)
          after.closeCheckout(p.stripeCheckoutSessionId, booking.traceId);
      await appendTrace(
        {
          traceId: booking.traceId,
          type: "booking.cancelled",
          source: "app",
          actorId: actor.id,
          payload: { bookingId, by: who, before: "payment", refundCents: 0 },
        },
        tx,
      );
      return { status: "cancelled" as const, refundCents: 0 };
    }
    if (booking.status !== "confirmed")
      throw new AppError(
        "conflict",
        `This booking is ${booking.status.replace("_", " ")} and can no longer be cancelled.`,
      );
    if (who === "viewer" && booking.startsAt <= now)
      throw new AppError("conflict", "The session has already started; it can no longer be cancelled.");
    if (booking.endsAt <= now)
      throw new AppError("conflict", "The session is over; an admin can still refund it from the session page.");
    assertTransition(booking.status, "cancelled");

    const paid = booking.payments.find((p) => ["paid", "partially_refunded"].includes(p.status));
    const decision = cancellationRefund({
      actor: who,
      paidCents: paid ? refundCeiling(paid) : 0,
      alreadyRefundedCents: paid ? committedRefundCents(paid) : 0,
      startsAt: booking.startsAt,
      freeCancellationHours: booking.freeCancellationHours,
      now,
    });
    await tx.booking.update({
      where: { id: bookingId },
      data: {
        status: "cancelled",
        holdsSlot: false,
        cancelledAt: now,
        cancelledById: actor.id,
        cancelReason: reason ?? decision.reason,
      },
    });
    await appendTrace(
      {
        traceId: booking.traceId,
        type: "booking.cancelled",
        source: "app",
        actorId: actor.id,
        payload: {
          bookingId,
          by: who,
          policy: decision.reason,
          refundCents: decision.refundCents,
          ...(reason ? { reason } : {}),
        },
      },
      tx,
    );
    if (paid && decision.refundCents > 0) {
      await createRefundInTx(
        tx,
        {
          paymentId: paid.id,
          amountCents: decision.refundCents,
          reason: decision.reason,
          idempotencyKey: `cancel:${bookingId}`,
          requestedById: actor.id,
        },
        after,
      );
    }
    await enqueueBookingEmails(tx, bookingId, { kind: "cancelled", by: who, refundCents: decision.refundCents });
    after.mail = true;
    return { status: "cancelled" as const, refundCents: decision.refundCents };
  });
  await after.run();
  return result;
}

/** A fresh idempotency key for a refund a person asks for (forms send it back on retry). */
export function newIdempotencyKey() {
  return crypto.randomUUID();
}

/** Admin: refunds part or all of a booking's payment from the session page. */
export async function adminRefundBooking(actor: Actor, bookingId: string, raw: unknown) {
  assertRole(actor, ["admin"]);
  const { adminRefundInput } = await import("./schemas");
  const input = adminRefundInput.parse(raw);
  const { refundBookingPayment } = await import("@/lib/payments/refunds");
  return refundBookingPayment({
    bookingId,
    amountCents: input.amountCents,
    reason: `admin: ${input.reason}`,
    requestedById: actor.id,
    idempotencyKey: `admin:${bookingId}:${input.idempotencyKey ?? crypto.randomUUID()}`,
  });
}
