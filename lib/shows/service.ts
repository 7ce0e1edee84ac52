import "server-only";
import { assertCreatorVerified } from "@/lib/verification/gate";
import { assertRole, type Actor, isAdminOfBrand } from "@/lib/auth/permissions";
import { assertNotBanned } from "@/lib/creators/bans";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, fieldError, isUniqueViolation } from "@/lib/errors";
import type { GroupEventStatus } from "@/lib/generated/prisma/enums";
import { nudgeEffects } from "@/lib/ops/outbox";
import { createPendingPayment, findOpenCheckout, openCheckout } from "@/lib/payments/checkout";
import { closeOpenCheckouts } from "@/lib/payments/effects";
import { expirePendingPayments, findSettledPayment, lockPurchase } from "@/lib/payments/ledger";
import { EARNING } from "@/lib/payments/payment-state";
import type { Tx } from "@/lib/payments/purchase";
import { refundableCents } from "@/lib/payments/refund-math";
import { createRefundInTx } from "@/lib/payments/refunds";
import { takeBudget } from "@/lib/rate-limit";
import { appendTrace } from "@/lib/trace/service";
import { enqueueTicketEmails } from "./emails";
import { closeShowRoomInTx } from "./live";
import { ticketPurchase } from "./purchase";
import { cancelShowInput, scheduleShowInput } from "./schemas";
import { REBUYABLE } from "./state";
import {
  expireLapsedTicketHolds,
  hasSeatLeft,
  releaseSeat,
  takeSeat,
  transitionShow,
  transitionTicket,
} from "./transition";

export const SOLD_OUT =
  "This show is sold out. Seats come back when a hold lapses or a ticket is refunded: try again later.";

/**
 * A viewer buys a ticket: a seat is held for BOOKING_HOLD_MINUTES (a conditional update on the show's seat
 * count decides races: of M buyers for C seats, exactly C get one) and a checkout opens for it. One ticket
 * per viewer per show: a second click while the hold lives goes back to the same checkout.
 */
export async function buyTicket(
  actor: Actor,
  eventId: string,
): Promise<{ ticketId: string; checkoutUrl: string; resumed: boolean }> {
  assertRole(actor, ["viewer", "creator", "admin"]);
  const event = await db.groupEvent.findUnique({
    where: { id: eventId },
    include: {
      creator: {
        select: { userId: true, displayName: true, published: true, user: { select: { status: true, brandId: true } } },
      },
    },
  });
  // Accounts buy on their own brand only: another brand's show is a missing one here.
  if (
    !event?.creator.published ||
    event.creator.user.status !== "active" ||
    event.creator.user.brandId !== actor.brandId
  )
    throw new AppError("not_found", "No such show.");
  const now = new Date();
  if (event.status === "cancelled") throw new AppError("conflict", "This show was cancelled, so it sells no tickets.");
  if (event.status === "ended" || event.endsAt <= now) throw new AppError("conflict", "This show is over.");
  if (event.creator.userId === actor.id) throw new AppError("invalid", "You can't buy a ticket to your own show.");
  await assertNotBanned(event.creatorId, actor.id);

  const existing = await db.ticket.findUnique({
    where: { eventId_viewerId: { eventId, viewerId: actor.id } },
    select: { id: true, status: true },
  });
  if (existing?.status === "paid") throw new AppError("conflict", "You already have a ticket for this show.");
  if (existing?.status === "pending_payment") {
    const open = await findOpenCheckout(db, { kind: "ticket", id: existing.id }, now);
    if (open?.checkoutUrl) return { ticketId: existing.id, checkoutUrl: open.checkoutUrl, resumed: true };
  }

  const holdExpiresAt = new Date(now.getTime() + env.BOOKING_HOLD_MINUTES * 60_000);
  let held: { ticketId: string; paymentId: string; traceId: string };
  try {
    held = await db.$transaction(async (tx) => {
      await expireLapsedTicketHolds(tx, { eventId });
      let ticket = existing ? await lockTicket(tx, existing.id) : null;
      if (ticket?.status === "paid") throw new AppError("conflict", "You already have a ticket for this show.");
      const needsSeat = !ticket || REBUYABLE.has(ticket.status);
      // Sold out as last committed: refused without queueing on the show's row lock behind buyers in flight.
      if (needsSeat && !(await hasSeatLeft(tx, eventId))) throw new AppError("conflict", SOLD_OUT);
      if (needsSeat && !(await takeSeat(tx, eventId))) throw new AppError("conflict", SOLD_OUT);
      if (!ticket) {
        ticket = await tx.ticket.create({
          data: { eventId, viewerId: actor.id, status: "pending_payment", holdExpiresAt },
        });
      } else if (ticket.status === "pending_payment") {
        await tx.ticket.update({ where: { id: ticket.id }, data: { holdExpiresAt } });
      } else {
        await transitionTicket(tx, ticket, "pending_payment", { holdExpiresAt });
      }
      const payment = await createPendingPayment(tx, {
        purchase: { kind: "ticket", id: ticket.id },
        traceId: ticket.traceId,
        payerId: actor.id,
        amountCents: event.priceCents,
        currency: event.currency,
        returnPath: `/shows/${eventId}`,
      });
      await appendTrace(
        {
          traceId: ticket.traceId,
          type: "ticket.held",
          source: "app",
          actorId: actor.id,
          payload: {
            ticketId: ticket.id,
            eventId,
            holdExpiresAt: holdExpiresAt.toISOString(),
            priceCents: event.priceCents,
            currency: event.currency,
          },
        },
        tx,
      );
      return { ticketId: ticket.id, paymentId: payment.id, traceId: ticket.traceId };
    });
  } catch (err) {
    // Two clicks of one viewer at once: the second finds the first one's ticket row.
    if (isUniqueViolation(err))
      throw new AppError("conflict", "Your ticket is already being held; open it from your dashboard.");
    throw err;
  }
  const { checkoutUrl } = await openCheckout(ticketPurchase, {
    paymentId: held.paymentId,
    purchase: { kind: "ticket", id: held.ticketId },
    traceId: held.traceId,
    actorId: actor.id,
    brandId: actor.brandId,
    customerEmail: actor.email,
    title: `Ticket: ${event.title} with ${event.creator.displayName}`,
    description: `${Math.round((event.endsAt.getTime() - event.startsAt.getTime()) / 60_000)}-minute live show`,
    amountCents: event.priceCents,
    currency: event.currency,
    expiresAt: holdExpiresAt,
    returnPath: `/shows/${eventId}`,
  });
  return { ticketId: held.ticketId, checkoutUrl, resumed: false };
}

async function lockTicket(tx: Parameters<typeof lockPurchase>[0], id: string) {
  await lockPurchase(tx, { kind: "ticket", id });
  return tx.ticket.findUniqueOrThrow({ where: { id } });
}

/**
 * Studio: a creator schedules a show from one of their group-room offerings. Title, length, seats and price
 * default to the offering's; the cancellation policy is the offering's. Must start in the future.
 */
export async function scheduleShow(actor: Actor, raw: unknown) {
  assertRole(actor, ["creator"]);
  await assertCreatorVerified(actor.id);
  const input = scheduleShowInput.parse(raw);
  const offering = await db.offering.findUnique({
    where: { id: input.offeringId },
    select: {
      id: true,
      kind: true,
      active: true,
      priceCents: true,
      currency: true,
      freeCancellationHours: true,
      creator: { select: { id: true, userId: true } },
    },
  });
  if (!offering || offering.creator.userId !== actor.id)
    throw new AppError("not_found", "That offering doesn't exist or isn't yours.");
  if (offering.kind !== "group_room") throw fieldError("offeringId", "Shows are scheduled from a group-room offering.");
  if (!offering.active) throw fieldError("offeringId", "That offering is switched off; switch it on first.");
  if (input.startsAt.getTime() < Date.now() + 5 * 60_000)
    throw fieldError("startsAt", "Pick a start at least 5 minutes from now.");
  await takeBudget("offering", actor.id);
  const endsAt = new Date(input.startsAt.getTime() + input.durationMinutes * 60_000);
  return db.groupEvent.create({
    data: {
      offeringId: offering.id,
      creatorId: offering.creator.id,
      title: input.title,
      startsAt: input.startsAt,
      endsAt,
      capacity: input.capacity,
      priceCents: input.price ?? offering.priceCents,
      currency: offering.currency,
      freeCancellationHours: offering.freeCancellationHours,
    },
    select: { id: true },
  });
}

/**
 * Cancels a show (its creator, or an admin of its brand or the platform's): every ticket is cancelled and its seat given back; every paid
 * ticket is refunded in full, exactly once (the refund key is the ticket's, and the show's lock makes a
 * second cancel, or two admins at once, find it cancelled already); each holder gets an email; an open room
 * is closed. Returns how many tickets were refunded by this call.
 */
export async function cancelShow(actor: Actor, eventId: string, raw: unknown = {}) {
  assertRole(actor, ["creator", "admin"]);
  const { reason } = cancelShowInput.parse(raw);
  await takeBudget("cancellation", actor.id);
  const refunded = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM group_events WHERE id = ${eventId} FOR UPDATE`;
    const show = await tx.groupEvent.findUnique({
      where: { id: eventId },
      include: { creator: { select: { userId: true, user: { select: { brandId: true } } } } },
    });
    const by = !show
      ? null
      : show.creator.userId === actor.id
        ? "creator"
        : isAdminOfBrand(actor, show.creator.user.brandId)
          ? "admin"
          : null;
    if (!show || !by) throw new AppError("not_found", "No such show.");
    if (show.status === "cancelled") return 0; // cancelled already: nothing twice
    if (show.status === "ended")
      throw new AppError("conflict", "This show is over; an admin can still refund a ticket from the support page.");
    return cancelShowInTx(tx, show, { by, actorId: actor.id, reason: reason ?? null });
  });
  nudgeEffects();
  return { refundedTickets: refunded };
}

/**
 * The cancellation itself, in the caller's transaction with the show's row locked: the show cancelled, each
 * ticket cancelled (seat back, a paid one refunded in full, by its own key), the room closed after the commit.
 * Also the settlement of a creator no-show (by "system"). Returns the number of tickets refunded.
 */
export async function cancelShowInTx(
  tx: Tx,
  show: { id: string; status: GroupEventStatus; traceId: string },
  o: { by: "creator" | "admin" | "system"; actorId: string | null; reason: string | null },
) {
  const now = new Date();
  await transitionShow(tx, show, "cancelled", { cancelledAt: now, cancelReason: o.reason });
  await appendTrace(
    {
      traceId: show.traceId,
      type: "show.cancelled",
      source: "app",
      actorId: o.actorId,
      payload: { eventId: show.id, by: o.by, reason: o.reason },
    },
    tx,
  );
  let n = 0;
  const tickets = await tx.ticket.findMany({
    where: { eventId: show.id, status: { in: ["pending_payment", "paid"] } },
    select: { id: true },
  });
  const by = o.by === "system" ? "admin" : o.by;
  for (const { id } of tickets)
    if (await cancelOneTicket(tx, id, { by, reason: o.reason, refundAll: true, actorId: o.actorId })) n++;
  await closeShowRoomInTx(tx, show.id, now);
  return n;
}

/**
 * Cancels one ticket inside the caller's transaction (the ticket's lock is taken here, after the show's):
 * a held one is released; a paid one gives its seat back and is refunded in full when `refundAll` (the show
 * was cancelled) or by the show's cancellation policy (the viewer cancels). True when a refund was written.
 */
async function cancelOneTicket(
  tx: Tx,
  ticketId: string,
  o: { by: "viewer" | "creator" | "admin"; reason: string | null; refundAll: boolean; actorId: string | null },
) {
  await lockPurchase(tx, { kind: "ticket", id: ticketId });
  const ticket = await tx.ticket.findUniqueOrThrow({
    where: { id: ticketId },
    include: { event: true, payments: { select: { id: true, status: true, stripeCheckoutSessionId: true } } },
  });
  const now = new Date();
  if (ticket.status === "pending_payment") {
    await transitionTicket(tx, ticket, "cancelled", { holdExpiresAt: null, cancelledAt: now });
    await releaseSeat(tx, ticket.eventId);
    await expirePendingPayments(tx, "ticket", [ticketId]);
    await closeOpenCheckouts(tx, ticket.payments, ticket.traceId);
    await appendTrace(
      {
        traceId: ticket.traceId,
        type: "ticket.released",
        source: "app",
        actorId: o.actorId,
        payload: { ticketId, eventId: ticket.eventId, reason: `cancelled_by_${o.by}`, status: "cancelled" },
      },
      tx,
    );
    return false;
  }
  if (ticket.status !== "paid") return false;
  const paid = await findSettledPayment(tx, { kind: "ticket", id: ticketId }, EARNING);
  const hoursBefore = (ticket.event.startsAt.getTime() - now.getTime()) / 3_600_000;
  const inTime = hoursBefore >= ticket.event.freeCancellationHours;
  const refundCents = paid && (o.refundAll || inTime) ? refundableCents(paid) : 0;
  await transitionTicket(tx, ticket, "cancelled", { cancelledAt: now });
  await releaseSeat(tx, ticket.eventId);
  await appendTrace(
    {
      traceId: ticket.traceId,
      type: "ticket.released",
      source: "app",
      actorId: o.actorId,
      payload: { ticketId, eventId: ticket.eventId, reason: `cancelled_by_${o.by}`, status: "cancelled" },
    },
    tx,
  );
  if (paid && refundCents > 0) {
    await createRefundInTx(tx, {
      paymentId: paid.id,
      amountCents: refundCents,
      reason: o.refundAll
        ? o.by === "creator"
          ? "show_cancelled_by_creator"
          : "show_cancelled_by_support"
        : "viewer_cancelled_in_time",
      idempotencyKey: `ticket-cancel:${ticketId}`,
      requestedById: o.actorId,
    });
  }
  await enqueueTicketEmails(tx, ticketId, { kind: "cancelled", by: o.by, refundCents, reason: o.reason });
  return refundCents > 0;
}

/** A viewer cancels their own ticket: a hold is released; a paid ticket by the show's policy (in time: a full refund). */
export async function cancelTicket(actor: Actor, ticketId: string) {
  assertRole(actor, ["viewer", "creator", "admin"]);
  await takeBudget("cancellation", actor.id);
  const result = await db.$transaction(async (tx) => {
    const t = await tx.ticket.findUnique({
      where: { id: ticketId },
      select: { viewerId: true, eventId: true, event: { select: { startsAt: true } } },
    });
    if (!t || t.viewerId !== actor.id) throw new AppError("not_found", "No such ticket.");
    if (t.event.startsAt <= new Date())
      throw new AppError("conflict", "The show has started; the ticket can no longer be cancelled.");
    await tx.$queryRaw`SELECT id FROM group_events WHERE id = ${t.eventId} FOR UPDATE`; // the show's lock first, as cancelShow
    const refunded = await cancelOneTicket(tx, ticketId, {
      by: "viewer",
      reason: null,
      refundAll: false,
      actorId: actor.id,
    });
    return { refunded };
  });
  nudgeEffects();
  return result;
}

/**
 * A ticket cancelled by the show's side (its creator banned the holder): released or refunded in full, under
 * the show's lock then the ticket's, as cancelShow does. Not the holder's budget, nor their late-cancel rule.
 */
export async function cancelTicketByCreator(ticketId: string, moderatorId: string, reason: string) {
  await db.$transaction(async (tx) => {
    const t = await tx.ticket.findUniqueOrThrow({ where: { id: ticketId }, select: { eventId: true } });
    await tx.$queryRaw`SELECT id FROM group_events WHERE id = ${t.eventId} FOR UPDATE`;
    await cancelOneTicket(tx, ticketId, { by: "creator", reason, refundAll: true, actorId: moderatorId });
  });
  nudgeEffects();
}
