import "server-only";
import type { PurchaseKind, Tx } from "@/lib/payments/purchase";
import { appendTrace } from "@/lib/trace/service";
import { enqueueTicketEmails } from "./emails";
import { releaseSeat, takeSeat, transitionTicket } from "./transition";

/**
 * A ticket to a group show as a purchase: holding it takes a seat (group_events.ticketsSold, guarded by a
 * conditional update); paying confirms it; a payment that arrives after the hold lapsed takes a seat again
 * if one is left, or goes back in full; a refund of all of it gives the seat back.
 */

const lock = async (tx: Tx, id: string) => {
  await tx.$queryRaw`SELECT id FROM tickets WHERE id = ${id} FOR UPDATE`; // already held by the money path: re-entrant
  return tx.ticket.findUniqueOrThrow({ where: { id }, include: { event: { select: { status: true, endsAt: true } } } });
};

const refund = (reason: string, explanation: string) => ({
  confirmed: false as const,
  refund: { reason, explanation },
});

export const ticketPurchase: PurchaseKind = {
  kind: "ticket",

  async paid(tx, ticketId, payment, at) {
    const ticket = await lock(tx, ticketId);
    if (ticket.event.status === "cancelled" || ticket.event.status === "ended") {
      if (ticket.status === "pending_payment") {
        await transitionTicket(tx, ticket, "cancelled", { holdExpiresAt: null });
        await releaseSeat(tx, ticket.eventId);
      }
      return refund(
        "show_not_on",
        `The show was ${ticket.event.status} before this payment arrived, so it is refunded in full.`,
      );
    }
    let late = false;
    if (ticket.status === "expired") {
      // The hold lapsed (and its seat was given back) before the money arrived: take a seat again if one is left.
      if (!(await takeSeat(tx, ticket.eventId))) {
        return refund(
          "seat_taken_after_hold_expired",
          "The payment arrived after the hold on this seat had lapsed and the show sold out meanwhile, so the payment is refunded in full.",
        );
      }
      late = true;
    } else if (ticket.status !== "pending_payment") {
      return ticket.status === "paid"
        ? refund(
            "duplicate_payment",
            "The ticket was already paid through another payment, so this second payment is refunded in full.",
          )
        : refund(
            "ticket_released_before_payment",
            `The ticket was ${ticket.status} before this payment arrived, so the payment is refunded in full.`,
          );
    }
    await transitionTicket(tx, ticket, "paid", { holdExpiresAt: null });
    await appendTrace(
      {
        traceId: payment.traceId,
        type: "ticket.confirmed",
        source: "app",
        occurredAt: at,
        payload: {
          ticketId,
          eventId: ticket.eventId,
          late,
          ...(late ? { explanation: "paid after the hold lapsed; a seat was still free" } : {}),
        },
      },
      tx,
    );
    await enqueueTicketEmails(tx, ticketId, { kind: "confirmed" });
    return { confirmed: true };
  },

  async checkoutEnded(tx, ticketId, traceId, at, why) {
    const ticket = await lock(tx, ticketId);
    if (ticket.status !== "pending_payment") return;
    await transitionTicket(tx, ticket, "expired", { holdExpiresAt: null });
    await releaseSeat(tx, ticket.eventId);
    await appendTrace(
      {
        traceId,
        type: "ticket.released",
        source: why === "checkout_failed" ? "app" : "stripe",
        occurredAt: at,
        payload: { ticketId, eventId: ticket.eventId, reason: why, status: "expired" },
      },
      tx,
    );
  },

  async refunded(tx, ticketId, r) {
    const ticket = await lock(tx, ticketId);
    if (r.whole && ticket.status === "paid") {
      await transitionTicket(tx, ticket, "refunded");
      await releaseSeat(tx, ticket.eventId);
      await appendTrace(
        {
          traceId: ticket.traceId,
          type: "ticket.released",
          source: "app",
          payload: { ticketId, eventId: ticket.eventId, reason: "refunded", status: "refunded" },
        },
        tx,
      );
    }
    await enqueueTicketEmails(tx, ticketId, { kind: "refunded", refundId: r.id, amountCents: r.amountCents });
  },

  async disputeOpened(tx, ticketId) {
    // A ticket has no disputed state: its payment carries the dispute; the seat stays taken.
    return (await lock(tx, ticketId)).status;
  },

  async disputeClosed() {
    // Nothing to restore on the ticket (see disputeOpened).
  },

  async summary(tx, ticketId) {
    const t = await tx.ticket.findUniqueOrThrow({
      where: { id: ticketId },
      select: {
        event: {
          select: { id: true, title: true, startsAt: true, endsAt: true, creator: { select: { displayName: true } } },
        },
      },
    });
    const minutes = Math.round((t.event.endsAt.getTime() - t.event.startsAt.getTime()) / 60_000);
    return {
      title: `Ticket: ${t.event.title} with ${t.event.creator.displayName}`,
      lines: [
        { label: "Show", text: `${t.event.title} with ${t.event.creator.displayName}` },
        { label: "When", at: t.event.startsAt },
        { label: "Length", text: `${minutes} min` },
      ],
      returnPath: `/shows/${t.event.id}`,
    };
  },
};
