import "server-only";
import type { Actor } from "@/lib/auth/permissions";
import { PAID_BOOKING } from "@/lib/bookings/state";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { createPendingPayment, openCheckout } from "@/lib/payments/checkout";
import { takeBudget } from "@/lib/rate-limit";
import { sessionWindow } from "@/lib/sessions/rules/token-policy";
import { windowConfig } from "@/lib/sessions/service";
import { appendTrace } from "@/lib/trace/service";
import { tipPurchase } from "./purchase";
import { tipInput } from "./schemas";

export type TipRoom = { kind: "booking" | "show"; id: string };

/** The live room a viewer may tip in, its creator and currency; refused in words otherwise. */
async function tippableRoom(actor: Actor, room: TipRoom, now: Date) {
  if (room.kind === "booking") {
    const b = await db.booking.findUnique({
      where: { id: room.id },
      select: {
        viewerId: true,
        status: true,
        startsAt: true,
        endsAt: true,
        creatorId: true,
        currency: true,
        roomSession: { select: { id: true } },
        creator: { select: { displayName: true } },
      },
    });
    if (!b || b.viewerId !== actor.id) throw new AppError("not_found", "No such session.");
    const w = sessionWindow(b, windowConfig());
    if (!PAID_BOOKING.has(b.status) || now < w.opensAt || now >= w.closesAt || !b.roomSession) {
      throw new AppError("conflict", "You can tip while the session's room is open.");
    }
    return {
      creatorId: b.creatorId,
      creatorName: b.creator.displayName,
      currency: b.currency,
      roomSessionId: b.roomSession.id,
      returnTo: `/sessions/${room.id}`,
    };
  }
  const show = await db.groupEvent.findUnique({
    where: { id: room.id },
    select: {
      status: true,
      startsAt: true,
      endsAt: true,
      creatorId: true,
      currency: true,
      roomSession: { select: { id: true } },
      creator: { select: { displayName: true } },
    },
  });
  const ticket = await db.ticket.findUnique({
    where: { eventId_viewerId: { eventId: room.id, viewerId: actor.id } },
    select: { status: true },
  });
  if (!show || ticket?.status !== "paid") throw new AppError("not_found", "No such show.");
  const w = sessionWindow(show, windowConfig());
  if (show.status !== "live" || now >= w.closesAt || !show.roomSession)
    throw new AppError("conflict", "You can tip while the show is live.");
  return {
    creatorId: show.creatorId,
    creatorName: show.creator.displayName,
    currency: show.currency,
    roomSessionId: show.roomSession.id,
    returnTo: `/shows/${room.id}/room`,
  };
}

/**
 * A viewer tips the creator during a live room (a private session or a show): an amount between
 * TIP_MIN_CENTS and TIP_MAX_CENTS, whole cents, with an optional short message. The checkout opens in a
 * new tab so the room stays connected; the tip reaches the room only when Stripe's signed webhook confirms it.
 */
export async function createTip(actor: Actor, room: TipRoom, raw: unknown, now = new Date()) {
  const input = tipInput({ min: env.TIP_MIN_CENTS, max: env.TIP_MAX_CENTS }).parse(raw);
  const r = await tippableRoom(actor, room, now);
  await takeBudget("tip", actor.id);
  const held = await db.$transaction(async (tx) => {
    const tip = await tx.tip.create({
      data: {
        fromUserId: actor.id,
        creatorId: r.creatorId,
        roomSessionId: r.roomSessionId,
        amountCents: input.amountCents,
        currency: r.currency,
        message: input.message || null,
      },
    });
    const payment = await createPendingPayment(tx, {
      purchase: { kind: "tip", id: tip.id },
      traceId: tip.traceId,
      payerId: actor.id,
      amountCents: input.amountCents,
      currency: r.currency,
      returnPath: `/tips/${tip.id}`,
    });
    await appendTrace(
      {
        traceId: tip.traceId,
        type: "tip.held",
        source: "app",
        actorId: actor.id,
        payload: {
          tipId: tip.id,
          amountCents: input.amountCents,
          currency: r.currency,
          roomSessionId: r.roomSessionId,
          message: tip.message,
        },
      },
      tx,
    );
    return { tipId: tip.id, paymentId: payment.id, traceId: tip.traceId };
  });
  const { checkoutUrl } = await openCheckout(tipPurchase, {
    paymentId: held.paymentId,
    purchase: { kind: "tip", id: held.tipId },
    traceId: held.traceId,
    actorId: actor.id,
    brandId: actor.brandId,
    customerEmail: actor.email,
    title: `Tip for ${r.creatorName}`,
    description: input.message ?? "",
    amountCents: input.amountCents,
    currency: r.currency,
    expiresAt: new Date(now.getTime() + env.BOOKING_HOLD_MINUTES * 60_000),
    returnPath: `/tips/${held.tipId}`,
  });
  return { tipId: held.tipId, checkoutUrl };
}

/** The tip's page (where checkout comes back to): its tipper only. */
export async function getTipPage(actor: Actor, tipId: string) {
  const tip = await db.tip.findUnique({
    where: { id: tipId },
    select: {
      id: true,
      fromUserId: true,
      amountCents: true,
      currency: true,
      message: true,
      status: true,
      creator: { select: { displayName: true } },
      roomSession: { select: { bookingId: true, groupEventId: true } },
    },
  });
  if (!tip || tip.fromUserId !== actor.id) throw new AppError("not_found", "No such tip.");
  const back = tip.roomSession?.bookingId
    ? `/sessions/${tip.roomSession.bookingId}`
    : tip.roomSession?.groupEventId
      ? `/shows/${tip.roomSession.groupEventId}/room`
      : "/dashboard";
  return { ...tip, back };
}
