import { describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { issueShowToken } from "@/lib/shows/live";
import { buyTicket, SOLD_OUT } from "@/lib/shows/service";
import { createTip } from "@/lib/tips/service";
import { deliver, signedEvent, traceTypes } from "../helpers/bookings";
import { createUser, TEST_PASSWORD } from "../helpers/factories";
import { HttpClient } from "../helpers/http";
import { paidTicket, payTicket, scheduledShow, ticketCheckoutSession } from "../helpers/shows";

// Selling seats and taking tips over HTTP against the running app: buyers signed in through next-auth POST
// to the show's checkout route at once; Stripe's events are signed and delivered to /api/stripe/webhook
// twice and out of order, as Stripe may. Seats, payments, refunds, trace events, mails and room
// announcements are counted afterwards: nothing doubled, nothing lost.

const seatsSold = async (eventId: string) =>
  (await db.groupEvent.findUniqueOrThrow({ where: { id: eventId } })).ticketsSold;
const latestPayment = (where: { ticketId: string } | { tipId: string }) =>
  db.payment.findFirstOrThrow({ where, orderBy: { createdAt: "desc" }, include: { refunds: true } });
const count = (types: string[], type: string) => types.filter((t) => t === type).length;

let ip = 0;
/** Signs `users` in over HTTP, a few at a time, each from its own address (the per-IP budget is not the subject). */
async function signInAll(users: Actor[]) {
  const clients: HttpClient[] = [];
  for (let i = 0; i < users.length; i += 10) {
    clients.push(
      ...(await Promise.all(
        users.slice(i, i + 10).map(async (u) => {
          const c = new HttpClient();
          const n = ip++;
          await c.signIn(u.email, TEST_PASSWORD, `100.64.${(n >> 8) & 255}.${n & 255}`);
          if (!c.hasSession()) throw new Error(`sign-in of ${u.email} failed`);
          return c;
        }),
      )),
    );
  }
  return clients;
}

async function checkout(c: HttpClient, eventId: string) {
  const res = await c.fetch(`/api/shows/${eventId}/tickets`, { method: "POST" });
  return { status: res.status, body: (await res.json()) as { ticketId?: string; error?: string; code?: string } };
}

describe("selling a show's seats over HTTP", () => {
  it("of 50 signed-in buyers posting to the checkout at once for 10 seats, exactly 10 hold one and 40 are told it is sold out; a cancelled ticket, held or paid, gives its seat back to the next buyer", async () => {
    const { event } = await scheduledShow({ capacity: 10, startsInMinutes: 3 * 24 * 60 });
    const buyers = await Promise.all(Array.from({ length: 50 }, () => createUser()));
    const clients = await signInAll(buyers);

    const answers = await Promise.all(clients.map((c) => checkout(c, event.id)));
    const held = answers.flatMap((a, i) => (a.status === 201 ? [{ i, ticketId: a.body.ticketId! }] : []));
    const refused = answers.flatMap((a, i) => (a.status === 201 ? [] : [{ i, ...a }]));
    expect(held).toHaveLength(10);
    expect(new Set(held.map((h) => h.ticketId)).size).toBe(10);
    expect(refused.map((r) => [r.status, r.body.code, r.body.error])).toEqual(
      Array.from({ length: 40 }, () => [409, "conflict", SOLD_OUT]),
    );
    // The refused wrote nothing: 10 tickets, 10 payments, 10 seats.
    expect(await seatsSold(event.id)).toBe(10);
    expect(await db.ticket.count({ where: { eventId: event.id } })).toBe(10);
    expect(await db.payment.count({ where: { ticket: { eventId: event.id } } })).toBe(10);

    // Nine pay; the tenth holder lets their hold go before paying.
    for (const h of held.slice(0, 9)) await payTicket(h.ticketId);
    expect(await db.ticket.count({ where: { eventId: event.id, status: "paid" } })).toBe(9);
    expect(await seatsSold(event.id)).toBe(10);
    const [waiting1, waiting2, waiting3] = refused as [(typeof refused)[0], (typeof refused)[0], (typeof refused)[0]];
    expect((await checkout(clients[waiting1.i]!, event.id)).status).toBe(409);

    const unpaid = held[9]!;
    const released = await clients[unpaid.i]!.fetch(`/api/tickets/${unpaid.ticketId}/cancel`, { method: "POST" });
    expect([released.status, await released.json()]).toEqual([200, { refunded: false }]);
    expect(await seatsSold(event.id)).toBe(9);
    expect((await checkout(clients[waiting1.i]!, event.id)).status).toBe(201);
    expect(await seatsSold(event.id)).toBe(10);

    // A paid holder cancels three days ahead (inside the free window): refunded in full, the seat is free again.
    const paid = held[0]!;
    const cancelled = await clients[paid.i]!.fetch(`/api/tickets/${paid.ticketId}/cancel`, { method: "POST" });
    expect([cancelled.status, await cancelled.json()]).toEqual([200, { refunded: true }]);
    expect(await seatsSold(event.id)).toBe(9);
    const refund = (await latestPayment({ ticketId: paid.ticketId })).refunds;
    expect(refund.map((r) => [r.amountCents, r.idempotencyKey])).toEqual([[1500, `ticket-cancel:${paid.ticketId}`]]);
    expect((await checkout(clients[waiting2.i]!, event.id)).status).toBe(201);
    const full = await checkout(clients[waiting3.i]!, event.id);
    expect([full.status, full.body.error]).toEqual([409, SOLD_OUT]);
    expect(await seatsSold(event.id)).toBe(10);
    expect(await db.ticket.count({ where: { eventId: event.id, status: { in: ["paid", "pending_payment"] } } })).toBe(
      10,
    );
  }, 180_000);
});

describe("ticket and tip webhooks twice and out of order", () => {
  it("a ticket's payment delivered twice, followed by Stripe's async success and a stale expiry, confirms it once and keeps its seat", async () => {
    const { event } = await scheduledShow({ capacity: 3 });
    const viewer = await createUser();
    const { ticketId } = await buyTicket(viewer, event.id);
    const p = await latestPayment({ ticketId });
    const paid = signedEvent("checkout.session.completed", ticketCheckoutSession(p));
    expect((await deliver(paid)).body.result).toBe("processed");
    expect((await deliver(paid)).body.result).toBe("duplicate");
    const async = await deliver(signedEvent("checkout.session.async_payment_succeeded", ticketCheckoutSession(p)));
    expect(async.status).toBe(200);
    const stale = await deliver(
      signedEvent(
        "checkout.session.expired",
        ticketCheckoutSession(p, { status: "expired", payment_status: "unpaid" }),
      ),
    );
    expect(stale.status).toBe(200);

    expect((await db.ticket.findUniqueOrThrow({ where: { id: ticketId } })).status).toBe("paid");
    const after = await latestPayment({ ticketId });
    expect([after.status, after.refunds.length]).toEqual(["paid", 0]);
    expect(await db.payment.count({ where: { ticketId } })).toBe(1);
    expect(await seatsSold(event.id)).toBe(1);
    const types = await traceTypes(p.traceId);
    expect([
      count(types, "payment.succeeded"),
      count(types, "ticket.confirmed"),
      count(types, "ticket.released"),
    ]).toEqual([1, 1, 0]);
    expect(await db.emailMessage.count({ where: { dedupeKey: `ticket:${ticketId}:confirmed` } })).toBe(1);
  });

  it("a refund that arrives before the ticket's payment waits (5xx, no record) and applies once when Stripe redelivers it after the payment; duplicates and the refund's own events change nothing", async () => {
    const { event } = await scheduledShow({ capacity: 3 });
    await paidTicket(await createUser(), event.id); // another holder: a seat given back twice would show
    const viewer = await createUser();
    const { ticketId } = await buyTicket(viewer, event.id);
    const p = await latestPayment({ ticketId });
    const early = signedEvent("charge.refunded", {
      id: `ch_${p.id}`,
      object: "charge",
      amount: 1500,
      amount_refunded: 1500,
      currency: "eur",
      payment_intent: `pi_${p.id}`,
      metadata: { paymentId: p.id },
    });
    const first = await deliver(early);
    expect(first.status).toBeGreaterThanOrEqual(500); // Stripe delivers it again later
    expect(await db.processedWebhookEvent.count({ where: { eventId: early.id } })).toBe(0);
    expect((await latestPayment({ ticketId })).refundedCents).toBe(0);
    expect((await db.ticket.findUniqueOrThrow({ where: { id: ticketId } })).status).toBe("pending_payment");

    await deliver(signedEvent("checkout.session.completed", ticketCheckoutSession(p)));
    expect((await db.ticket.findUniqueOrThrow({ where: { id: ticketId } })).status).toBe("paid");
    expect(await seatsSold(event.id)).toBe(2);

    expect((await deliver(early)).body.result).toBe("processed"); // Stripe's retry of the same event
    expect((await deliver(early)).body.result).toBe("duplicate");
    // The refund itself (made in Stripe's dashboard), then its update, each delivered twice.
    const refundObject = {
      id: `re_dash_${p.id}`,
      object: "refund",
      amount: 1500,
      currency: "eur",
      status: "succeeded",
      payment_intent: `pi_${p.id}`,
      metadata: {},
    };
    const created = signedEvent("refund.created", refundObject);
    expect((await deliver(created)).body.result).toBe("processed");
    expect((await deliver(created)).body.result).toBe("duplicate");
    const updated = signedEvent("refund.updated", refundObject);
    expect((await deliver(updated)).status).toBe(200);
    expect((await deliver(updated)).body.result).toBe("duplicate");

    const after = await latestPayment({ ticketId });
    expect([after.status, after.refundedCents, after.refunds.length, after.refunds[0]?.status]).toEqual([
      "refunded",
      1500,
      1,
      "succeeded",
    ]);
    expect((await db.ticket.findUniqueOrThrow({ where: { id: ticketId } })).status).toBe("refunded");
    expect(await seatsSold(event.id)).toBe(1); // this seat back once; the other holder keeps theirs
    const types = await traceTypes(p.traceId);
    expect([count(types, "refund.issued"), count(types, "ticket.released"), count(types, "payment.refunded")]).toEqual([
      1, 1, 1,
    ]);
    expect(await db.emailMessage.count({ where: { traceId: p.traceId, subject: { startsWith: "Refund" } } })).toBe(1);
  });

  it("a tip paid twice over, or paid after its checkout's expiry arrived, is confirmed and announced in the room once; a refund delivered twice counts once", async () => {
    const { creator, event } = await scheduledShow({ startsInMinutes: 2, capacity: 5 });
    const viewer = await createUser({ name: "Tipping Tina" });
    await paidTicket(viewer, event.id);
    await issueShowToken(creator.user, event.id, { attempt: 1 }); // the creator opens the room: the show is live
    const tipSession = (
      p: { id: string; traceId: string; tipId: string | null; stripeCheckoutSessionId: string | null },
      over = {},
    ) => ({
      id: p.stripeCheckoutSessionId,
      object: "checkout.session",
      mode: "payment",
      status: "complete",
      payment_status: "paid",
      amount_total: 500,
      currency: "eur",
      client_reference_id: p.tipId,
      metadata: { tipId: p.tipId, purchaseKind: "tip", traceId: p.traceId, paymentId: p.id },
      payment_intent: `pi_${p.id}`,
      ...over,
    });
    const announced = (tipId: string) => db.outboxEffect.count({ where: { dedupeKey: `tip-announce:${tipId}` } });
    const tipStatus = async (id: string) => (await db.tip.findUniqueOrThrow({ where: { id } })).status;

    // Duplicates: the same event twice, then Stripe's async success and a stale expiry for the same session.
    const one = await createTip(viewer, { kind: "show", id: event.id }, { amountCents: 500, message: "Great set!" });
    const p1 = await latestPayment({ tipId: one.tipId });
    const paid = signedEvent("checkout.session.completed", tipSession(p1));
    expect((await deliver(paid)).body.result).toBe("processed");
    expect((await deliver(paid)).body.result).toBe("duplicate");
    expect((await deliver(signedEvent("checkout.session.async_payment_succeeded", tipSession(p1)))).status).toBe(200);
    expect(
      (
        await deliver(
          signedEvent("checkout.session.expired", tipSession(p1, { status: "expired", payment_status: "unpaid" })),
        )
      ).status,
    ).toBe(200);
    expect(await tipStatus(one.tipId)).toBe("paid");
    expect(await announced(one.tipId)).toBe(1);
    let types = await traceTypes(p1.traceId);
    expect([count(types, "tip.confirmed"), count(types, "tip.released")]).toEqual([1, 0]);
    expect((await latestPayment({ tipId: one.tipId })).refunds).toHaveLength(0);

    // Out of order: the expiry is processed first, then the payment arrives: the money is not lost.
    const two = await createTip(viewer, { kind: "show", id: event.id }, { amountCents: 500 });
    const p2 = await latestPayment({ tipId: two.tipId });
    await deliver(
      signedEvent("checkout.session.expired", tipSession(p2, { status: "expired", payment_status: "unpaid" })),
    );
    expect(await tipStatus(two.tipId)).toBe("failed");
    expect(await announced(two.tipId)).toBe(0);
    const late = signedEvent("checkout.session.completed", tipSession(p2));
    expect((await deliver(late)).body.result).toBe("processed");
    expect((await deliver(late)).body.result).toBe("duplicate");
    expect(await tipStatus(two.tipId)).toBe("paid");
    expect(await announced(two.tipId)).toBe(1);
    expect((await latestPayment({ tipId: two.tipId })).status).toBe("paid");
    types = await traceTypes(p2.traceId);
    expect(count(types, "tip.confirmed")).toBe(1);

    // A refund made in Stripe: refund.created twice over and then refund.updated, for the same refund.
    const refundObject = {
      id: `re_tip_${p1.id}`,
      object: "refund",
      amount: 500,
      currency: "eur",
      status: "succeeded",
      payment_intent: `pi_${p1.id}`,
      metadata: {},
    };
    const created = signedEvent("refund.created", refundObject);
    expect((await deliver(created)).body.result).toBe("processed");
    expect((await deliver(created)).body.result).toBe("duplicate");
    expect((await deliver(signedEvent("refund.updated", refundObject))).status).toBe(200);
    const refunded = await latestPayment({ tipId: one.tipId });
    expect([refunded.status, refunded.refundedCents, refunded.refunds.length]).toEqual(["refunded", 500, 1]);
    expect(await tipStatus(one.tipId)).toBe("refunded");
    expect(await tipStatus(two.tipId)).toBe("paid");
    // The creator's tips: one paid tip of 5.00 left, one refunded; exactly two paid payments ever.
    expect(await db.payment.count({ where: { tip: { roomSession: { groupEventId: event.id } } } })).toBe(2);
  });
});

describe("cancelling a show under concurrent cancels", () => {
  it("the creator and two admins cancelling at once, and a retried cancel, refund each paid ticket exactly once and free every seat", async () => {
    const { creator, event } = await scheduledShow({ capacity: 5, startsInMinutes: 3 * 24 * 60 });
    const holders = await Promise.all(Array.from({ length: 4 }, () => createUser()));
    const tickets = [];
    for (const h of holders.slice(0, 3)) tickets.push((await paidTicket(h, event.id)).ticketId);
    const held = (await buyTicket(holders[3]!, event.id)).ticketId;
    const admins = await Promise.all([createUser({ role: "admin" }), createUser({ role: "admin" })]);
    const [host, a1, a2] = await signInAll([creator.user, ...admins]);
    const cancel = async (c: HttpClient, reason: string) => {
      const res = await c.json(`/api/shows/${event.id}/cancel`, "POST", { reason });
      return [res.status, ((await res.json()) as { refundedTickets: number }).refundedTickets] as const;
    };

    const at = await Promise.all([
      cancel(host!, "I am ill"),
      cancel(a1!, "Creator asked support"),
      cancel(a2!, "Duplicate show"),
    ]);
    expect(at.map(([s]) => s)).toEqual([200, 200, 200]);
    expect(at.map(([, n]) => n).sort()).toEqual([0, 0, 3]); // one of them did it; the others found it done
    expect(await cancel(a1!, "Retry after a timeout")).toEqual([200, 0]);

    for (const id of tickets) {
      await expect
        .poll(async () => (await latestPayment({ ticketId: id })).status, { timeout: 20_000 })
        .toBe("refunded");
    }
    for (const id of tickets) {
      const p = await latestPayment({ ticketId: id });
      expect([p.refundedCents, p.refunds.map((r) => [r.idempotencyKey, r.amountCents, r.status])]).toEqual([
        1500,
        [[`ticket-cancel:${id}`, 1500, "succeeded"]],
      ]);
      expect(await db.outboxEffect.count({ where: { type: "payments.refund", traceId: p.traceId } })).toBe(1);
      expect(await db.emailMessage.count({ where: { dedupeKey: { startsWith: `ticket:${id}:cancelled` } } })).toBe(1);
    }
    const statuses = await db.ticket.findMany({ where: { eventId: event.id }, select: { id: true, status: true } });
    expect(statuses.map((t) => t.status)).toEqual(["cancelled", "cancelled", "cancelled", "cancelled"]);
    expect((await latestPayment({ ticketId: held })).refunds).toHaveLength(0);
    expect(await seatsSold(event.id)).toBe(0);
    const show = await db.groupEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(show.status).toBe("cancelled");
    expect(count(await traceTypes(show.traceId), "show.cancelled")).toBe(1);
  }, 120_000);
});
