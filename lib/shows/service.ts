import "server-only";
import { assertRole, type Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { createPendingPayment, findOpenCheckout, openCheckout } from "@/lib/payments/checkout";
import { lockPurchase } from "@/lib/payments/ledger";
import { appendTrace } from "@/lib/trace/service";
import { ticketPurchase } from "./purchase";
import { REBUYABLE } from "./state";
import { expireLapsedTicketHolds, takeSeat, transitionTicket } from "./transition";

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
      creator: { select: { userId: true, displayName: true, published: true, user: { select: { status: true } } } },
    },
  });
  if (!event?.creator.published || event.creator.user.status !== "active")
    throw new AppError("not_found", "No such show.");
  const now = new Date();
  if (event.status === "cancelled") throw new AppError("conflict", "This show was cancelled, so it sells no tickets.");
  if (event.status === "ended" || event.endsAt <= now) throw new AppError("conflict", "This show is over.");
  if (event.creator.userId === actor.id) throw new AppError("invalid", "You can't buy a ticket to your own show.");

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
