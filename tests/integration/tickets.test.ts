import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { AppError } from "@/lib/errors";
import { refundPurchase } from "@/lib/payments/refunds";
import { buyTicket, SOLD_OUT } from "@/lib/shows/service";
import { sweepLapsedTicketHolds } from "@/lib/shows/transition";
import { deliver, signedEvent, traceTypes } from "../helpers/bookings";
import { flushEffects } from "../helpers/effects";
import { createCreator, createUser } from "../helpers/factories";

// The ticket kind plugs into the one purchase pipeline (lib/shows/purchase.ts): the same checkout, the same
// signed webhook (delivered over HTTP to the running app), the same ledger, refunds and outbox. Nothing in
// lib/payments names tickets.

async function show(opts: { capacity?: number; startsInMinutes?: number; priceCents?: number } = {}) {
  const creator = await createCreator();
  const offering = await db.offering.create({
    data: {
      creatorId: creator.profile.id,
      kind: "group_room",
      title: "Live drawing class",
      durationMinutes: 60,
      priceCents: opts.priceCents ?? 1500,
      currency: "EUR",
      capacity: opts.capacity ?? 3,
    },
  });
  const startsAt = new Date(Date.now() + (opts.startsInMinutes ?? 24 * 60) * 60_000);
  const event = await db.groupEvent.create({
    data: {
      offeringId: offering.id,
      creatorId: creator.profile.id,
      title: "Live drawing class",
      startsAt,
      endsAt: new Date(startsAt.getTime() + 60 * 60_000),
      capacity: opts.capacity ?? 3,
      priceCents: opts.priceCents ?? 1500,
      currency: "EUR",
    },
  });
  return { creator, event };
}

const paymentOfTicket = (ticketId: string) =>
  db.payment.findFirstOrThrow({ where: { ticketId }, orderBy: { createdAt: "desc" }, include: { refunds: true } });

/** checkout.session.completed as Stripe sends it for a ticket's payment. */
function paidSession(p: {
  id: string;
  traceId: string;
  ticketId: string | null;
  stripeCheckoutSessionId: string | null;
}) {
  return {
    id: p.stripeCheckoutSessionId,
    object: "checkout.session",
    mode: "payment",
    status: "complete",
    payment_status: "paid",
    amount_total: 1500,
    currency: "eur",
    client_reference_id: p.ticketId,
    metadata: { ticketId: p.ticketId, purchaseKind: "ticket", traceId: p.traceId, paymentId: p.id },
    payment_intent: `pi_${p.id}`,
  };
}
const seats = async (eventId: string) =>
  (await db.groupEvent.findUniqueOrThrow({ where: { id: eventId } })).ticketsSold;

describe("tickets through the purchase pipeline", () => {
  it("of 12 buyers for 3 seats at once, exactly 3 hold a seat and 9 are told it is sold out", async () => {
    const { event } = await show({ capacity: 3 });
    const buyers = await Promise.all(Array.from({ length: 12 }, () => createUser()));
    const results = await Promise.allSettled(buyers.map((b) => buyTicket(b, event.id)));
    const held = results.filter((r) => r.status === "fulfilled");
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as AppError] : []));
    expect(held).toHaveLength(3);
    expect(refused.map((e) => [e.status, e.message])).toEqual(Array.from({ length: 9 }, () => [409, SOLD_OUT]));
    expect(await seats(event.id)).toBe(3);
    expect(await db.ticket.count({ where: { eventId: event.id, status: "pending_payment" } })).toBe(3);
  });

  it("a signed payment confirms the ticket and mails the buyer; a second checkout for the same ticket is refused", async () => {
    const { event } = await show();
    const viewer = await createUser();
    const { ticketId, checkoutUrl } = await buyTicket(viewer, event.id);
    expect(checkoutUrl).toMatch(/^\/checkout\/test\/cs_test_booth_/);
    expect((await buyTicket(viewer, event.id)).resumed).toBe(true); // a second click: the same checkout
    const payment = await paymentOfTicket(ticketId);
    expect((await deliver(signedEvent("checkout.session.completed", paidSession(payment)))).status).toBe(200);
    expect((await db.ticket.findUniqueOrThrow({ where: { id: ticketId } })).status).toBe("paid");
    expect((await paymentOfTicket(ticketId)).status).toBe("paid");
    expect(await traceTypes(payment.traceId)).toEqual(
      expect.arrayContaining(["ticket.held", "checkout.created", "payment.succeeded", "ticket.confirmed"]),
    );
    const mail = await db.emailMessage.findFirstOrThrow({ where: { dedupeKey: `ticket:${ticketId}:confirmed` } });
    expect(mail.icsContent).toMatch(/BEGIN:VEVENT/);
    await expect(buyTicket(viewer, event.id)).rejects.toMatchObject({ status: 409, message: /already have a ticket/ });
    expect(await seats(event.id)).toBe(1);
  });

  it("an expired checkout gives the seat back at once, and so does a refund of all of it", async () => {
    const { event } = await show({ capacity: 1 });
    const a = await createUser();
    const t = await buyTicket(a, event.id);
    await expect(buyTicket(await createUser(), event.id)).rejects.toMatchObject({ status: 409 });
    const p = await paymentOfTicket(t.ticketId);
    await deliver(
      signedEvent("checkout.session.expired", { ...paidSession(p), status: "expired", payment_status: "unpaid" }),
    );
    expect([(await db.ticket.findUniqueOrThrow({ where: { id: t.ticketId } })).status, await seats(event.id)]).toEqual([
      "expired",
      0,
    ]);

    const b = await createUser();
    const tb = await buyTicket(b, event.id);
    const pb = await paymentOfTicket(tb.ticketId);
    await deliver(signedEvent("checkout.session.completed", paidSession(pb)));
    const admin = await createUser({ role: "admin" });
    await refundPurchase({
      purchase: { kind: "ticket", id: tb.ticketId },
      reason: "admin: show moved",
      requestedById: admin.id,
      idempotencyKey: `t-${tb.ticketId}`,
    });
    await flushEffects();
    expect((await db.ticket.findUniqueOrThrow({ where: { id: tb.ticketId } })).status).toBe("refunded");
    expect((await paymentOfTicket(tb.ticketId)).status).toBe("refunded");
    expect(await seats(event.id)).toBe(0);
    expect(await db.emailMessage.count({ where: { traceId: pb.traceId, subject: { startsWith: "Refund" } } })).toBe(1);
    // The seat is free again: the first buyer may buy once more (same ticket row, a new payment).
    const again = await buyTicket(a, event.id);
    expect(again.ticketId).toBe(t.ticketId);
    expect(await seats(event.id)).toBe(1);
  });

  it("a lapsed hold is swept; a payment arriving after it takes a free seat again, or is refunded when the show sold out", async () => {
    const { event } = await show({ capacity: 1 });
    const late = await createUser();
    const t = await buyTicket(late, event.id);
    const p = await paymentOfTicket(t.ticketId);
    await db.ticket.update({ where: { id: t.ticketId }, data: { holdExpiresAt: new Date(Date.now() - 1000) } });
    expect(await sweepLapsedTicketHolds()).toBeGreaterThanOrEqual(1);
    expect([(await db.ticket.findUniqueOrThrow({ where: { id: t.ticketId } })).status, await seats(event.id)]).toEqual([
      "expired",
      0,
    ]);
    // Someone else takes the only seat meanwhile; then the first buyer's payment arrives.
    const other = await createUser();
    await buyTicket(other, event.id);
    await deliver(signedEvent("checkout.session.completed", paidSession(p)));
    await expect.poll(async () => (await paymentOfTicket(t.ticketId)).status, { timeout: 10_000 }).toBe("refunded");
    const refund = (await paymentOfTicket(t.ticketId)).refunds[0]!;
    expect([refund.reason, refund.amountCents]).toEqual(["seat_taken_after_hold_expired", 1500]);
    expect(await seats(event.id)).toBe(1);

    // With a seat still free, a late payment takes it.
    const roomy = await show({ capacity: 2 });
    const t2 = await buyTicket(late, roomy.event.id);
    const p2 = await paymentOfTicket(t2.ticketId);
    await db.ticket.update({ where: { id: t2.ticketId }, data: { holdExpiresAt: new Date(Date.now() - 1000) } });
    await sweepLapsedTicketHolds();
    await deliver(signedEvent("checkout.session.completed", paidSession(p2)));
    expect((await db.ticket.findUniqueOrThrow({ where: { id: t2.ticketId } })).status).toBe("paid");
    expect(await seats(roomy.event.id)).toBe(1);
    const confirmed = await db.traceEvent.findFirstOrThrow({
      where: { traceId: p2.traceId, type: "ticket.confirmed" },
    });
    expect(confirmed.payload).toMatchObject({ late: true });
  });

  it("refuses a ticket for a cancelled or finished show, to its own creator, and for a show nobody publishes", async () => {
    const { event, creator } = await show();
    const viewer = await createUser();
    await expect(buyTicket(creator.user, event.id)).rejects.toMatchObject({ status: 422 });
    await db.groupEvent.update({ where: { id: event.id }, data: { status: "cancelled" } });
    await expect(buyTicket(viewer, event.id)).rejects.toMatchObject({ status: 409, message: /cancelled/ });
    const past = await show({ startsInMinutes: -120 });
    await expect(buyTicket(viewer, past.event.id)).rejects.toMatchObject({ status: 409, message: /over/ });
    await expect(buyTicket(viewer, "no-such-show")).rejects.toMatchObject({ status: 404 });
    expect(await db.ticket.count({ where: { viewerId: viewer.id } })).toBe(0);
  });

  it("the database refuses more seats sold than the show has, whatever the code does", async () => {
    const { event } = await show({ capacity: 2 });
    await expect(db.groupEvent.update({ where: { id: event.id }, data: { ticketsSold: 3 } })).rejects.toThrow(
      /group_events_seats_guard/,
    );
  });
});
