import "server-only";
import crypto from "node:crypto";
import { actingPartyOf } from "@/lib/auth/parties";
import { assertNotBanned } from "@/lib/creators/bans";
import { appendAudit } from "@/lib/audit/service";
import { assertRole, type Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, isExclusionViolation } from "@/lib/errors";
import { nudgeEffects } from "@/lib/ops/outbox";
import { createPendingPayment, findOpenCheckout, openCheckout } from "@/lib/payments/checkout";
import { closeOpenCheckouts } from "@/lib/payments/effects";
import { expirePendingPayments, findSettledPayment, lockPurchase } from "@/lib/payments/ledger";
import { EARNING } from "@/lib/payments/payment-state";
import { committedRefundCents, refundCeiling } from "@/lib/payments/refund-math";
import { createRefundInTx, refundPurchase } from "@/lib/payments/refunds";
import { takeBudget } from "@/lib/rate-limit";
import { appendTrace } from "@/lib/trace/service";
import { enqueueBookingEmails } from "./emails";
import { cancellationRefund } from "./policy";
import { bookingPurchase } from "./purchase";
import { adminRefundInput, bookSlotInput, cancelBookingInput } from "./schemas";
import { expandSlots } from "./slots";
import { expireLapsedHolds, transitionBooking } from "./transition";

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
    include: {
      creator: { include: { availability: true, blackouts: true, user: { select: { status: true, brandId: true } } } },
    },
  });
  // Accounts book on their own brand only: another brand's offering is not on sale here.
  const otherBrand = offering && offering.creator.user.brandId !== actor.brandId;
  if (!offering?.active || otherBrand || !offering.creator.published || offering.creator.user.status !== "active") {
    throw new AppError("not_found", "This session is not on sale.");
  }
  if (offering.kind !== "private_session")
    throw new AppError("invalid", "Group rooms are sold as tickets, not by time slot.");
  if (offering.creator.userId === actor.id) throw new AppError("invalid", "You can't book your own session.");
  await assertNotBanned(offering.creatorId, actor.id);

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
    select: { id: true },
  });
  const resumable = own ? await findOpenCheckout(db, { kind: "booking", id: own.id }, now) : null;
  if (own && resumable?.checkoutUrl) return { bookingId: own.id, checkoutUrl: resumable.checkoutUrl, resumed: true };

  const holdExpiresAt = new Date(now.getTime() + env.BOOKING_HOLD_MINUTES * 60_000);
  let held: { bookingId: string; paymentId: string; traceId: string };
  try {
    held = await db.$transaction(async (tx) => {
      await expireLapsedHolds(tx, { creatorId: offering.creatorId, startsAt: input.startsAt, endsAt });
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
      const payment = await createPendingPayment(tx, {
        purchase: { kind: "booking", id: booking.id },
        traceId: booking.traceId,
        payerId: actor.id,
        amountCents: offering.priceCents,
        currency: offering.currency,
        returnPath: `/bookings/${booking.id}`,
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

  const { checkoutUrl } = await openCheckout(bookingPurchase, {
    paymentId: held.paymentId,
    purchase: { kind: "booking", id: held.bookingId },
    traceId: held.traceId,
    actorId: actor.id,
    brandId: actor.brandId,
    customerEmail: actor.email,
    title: `${offering.title} with ${offering.creator.displayName}`,
    description: `${offering.durationMinutes}-minute private video session`,
    amountCents: offering.priceCents,
    currency: offering.currency,
    expiresAt: holdExpiresAt,
    returnPath: `/bookings/${held.bookingId}`,
  });
  return { bookingId: held.bookingId, checkoutUrl, resumed: false };
}

/**
 * Cancels a booking. A held (unpaid) booking is simply released (and its checkout closed). A confirmed one
 * is refunded by the policy shown at checkout: the viewer in full up to freeCancellationHours before, else
 * nothing; the creator or an admin always in full.
 */
export async function cancelBooking(actor: Actor, bookingId: string, raw: unknown = {}) {
  assertRole(actor, ["viewer", "creator", "admin"]);
  const { reason } = cancelBookingInput.parse(raw);
  await takeBudget("cancellation", actor.id);
  const result = await db.$transaction(async (tx) => {
    await lockPurchase(tx, { kind: "booking", id: bookingId });
    const booking = await tx.booking.findUnique({
      where: { id: bookingId },
      include: {
        creator: { select: { userId: true } },
        viewer: { select: { brandId: true } },
        payments: { select: { id: true, status: true, stripeCheckoutSessionId: true } },
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
    if (booking.status === "pending_payment") {
      if (who !== "viewer" && who !== "admin") {
        throw new AppError("conflict", "This booking is not paid yet; it will be released if the viewer does not pay.");
      }
      await transitionBooking(tx, booking, "cancelled", {
        holdsSlot: false,
        cancelledAt: now,
        cancelledById: actor.id,
        cancelReason: reason ?? "released before payment",
      });
      // The checkout may still be paid; the webhook then refunds it (the booking is cancelled).
      await expirePendingPayments(tx, "booking", [bookingId]);
      await closeOpenCheckouts(tx, booking.payments, booking.traceId);
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
    if (booking.status !== "confirmed") {
      throw new AppError(
        "conflict",
        `This booking is ${booking.status.replace("_", " ")} and can no longer be cancelled.`,
      );
    }
    if (who === "viewer" && booking.startsAt <= now) {
      throw new AppError("conflict", "The session has already started; it can no longer be cancelled.");
    }
    if (booking.endsAt <= now) {
      throw new AppError("conflict", "The session is over; an admin can still refund it from the session page.");
    }

    const paid = await findSettledPayment(tx, { kind: "booking", id: bookingId }, EARNING);
    const decision = cancellationRefund({
      actor: who,
      paidCents: paid ? refundCeiling(paid) : 0,
      alreadyRefundedCents: paid ? committedRefundCents(paid) : 0,
      startsAt: booking.startsAt,
      freeCancellationHours: booking.freeCancellationHours,
      now,
    });
    await transitionBooking(tx, booking, "cancelled", {
      holdsSlot: false,
      cancelledAt: now,
      cancelledById: actor.id,
      cancelReason: reason ?? decision.reason,
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
      await createRefundInTx(tx, {
        paymentId: paid.id,
        amountCents: decision.refundCents,
        reason: decision.reason,
        idempotencyKey: `cancel:${bookingId}`,
        requestedById: actor.id,
      });
    }
    await enqueueBookingEmails(tx, bookingId, {
      kind: "cancelled",
      by: who,
      refundCents: decision.refundCents,
      ...(reason ? { reason } : {}),
    });
    return { status: "cancelled" as const, refundCents: decision.refundCents };
  });
  nudgeEffects();
  return result;
}

/** A fresh idempotency key for a refund a person asks for (forms send it back on retry). */
export function newIdempotencyKey() {
  return crypto.randomUUID();
}

/** Admin: refunds part or all of a booking's payment from the session page. */
export async function adminRefundBooking(actor: Actor, bookingId: string, raw: unknown) {
  assertRole(actor, ["admin"]);
  const input = adminRefundInput.parse(raw);
  await takeBudget("adminAction", actor.id);
  const refund = await refundPurchase({
    purchase: { kind: "booking", id: bookingId },
    amountCents: input.amountCents,
    reason: `admin: ${input.reason}`,
    requestedById: actor.id,
    idempotencyKey: `admin:${bookingId}:${input.idempotencyKey ?? crypto.randomUUID()}`,
    admin: actor,
  });
  // After the refund's own transaction (the purchase pipeline's); a repeated key finds the row already logged.
  const logged = await db.auditEvent.count({
    where: { action: "payment.refunded", subjectId: refund.id, subjectType: "payment" },
  });
  if (!logged) {
    const viewer = await db.booking.findUnique({ where: { id: bookingId }, select: { viewerId: true } });
    await appendAudit(db, {
      actor,
      action: "payment.refunded",
      subjectType: "payment",
      subjectId: refund.id,
      subjectUserId: viewer?.viewerId ?? null,
      reason: input.reason,
      details: { bookingId, amountCents: refund.amountCents },
    });
  }
  return refund;
}
