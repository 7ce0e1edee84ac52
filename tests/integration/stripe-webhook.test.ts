import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { bookableOffering, deliver, hold, sessionFor, signedEvent, traceTypes } from "../helpers/bookings";
import { execSql } from "../helpers/catalog";
import { createUser } from "../helpers/factories";

// Every event here goes over HTTP to the running app's /api/stripe/webhook, signed as Stripe signs.
const paid = async (p: Parameters<typeof sessionFor>[0], over: Record<string, unknown> = {}) =>
  deliver(signedEvent("checkout.session.completed", sessionFor(p, over)));
const booking = (id: string) =>
  db.booking.findUniqueOrThrow({ where: { id }, include: { payments: { include: { refunds: true } } } });

describe("Stripe webhook: signatures", () => {
  it("refuses a missing or wrong signature with 400", async () => {
    const { payload } = signedEvent("checkout.session.completed", { id: "cs_x" });
    const none = await fetch(`${process.env.BOOTH_BASE_URL}/api/stripe/webhook`, { method: "POST", body: payload });
    expect(none.status).toBe(400);
    expect(((await none.json()) as { error: string }).error).toMatch(/Missing Stripe-Signature/);
    const forged = signedEvent(
      "checkout.session.completed",
      { id: "cs_x" },
      { secret: "whsec_not_the_real_secret_000000" },
    );
    const res = await deliver(forged);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/Invalid Stripe signature/);
  });

  it("refuses a correctly signed but stale delivery (replay) with 400", async () => {
    const stale = signedEvent(
      "checkout.session.completed",
      { id: "cs_x" },
      { timestamp: Math.floor(Date.now() / 1000) - 600 },
    );
    const res = await deliver(stale);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/tolerance/i);
  });

  it("refuses a body that was altered after signing", async () => {
    const ev = signedEvent("checkout.session.completed", { id: "cs_x", amount_total: 100 });
    const res = await deliver({
      payload: ev.payload.replace('"amount_total":100', '"amount_total":1'),
      signature: ev.signature,
    });
    expect(res.status).toBe(400);
  });

  it("acknowledges an unknown event type with 200 and changes nothing", async () => {
    const res = await deliver(signedEvent("customer.created", { id: "cus_1", object: "customer" }));
    expect(res).toEqual({ status: 200, body: expect.objectContaining({ result: "ignored" }) });
    const proto = await deliver(signedEvent("constructor", { id: "x" }));
    expect(proto.body.result).toBe("ignored");
  });
});

describe("Stripe webhook: payments", () => {
  it("confirms a paid booking once, even when the event is delivered twice", async () => {
    const { offering, slots } = await bookableOffering();
    const { bookingId, payment } = await hold(offering.id, slots[0]!);
    const ev = signedEvent("checkout.session.completed", sessionFor(payment));
    expect((await deliver(ev)).body.result).toBe("processed");
    expect((await deliver(ev)).body.result).toBe("duplicate");
    const b = await booking(bookingId);
    expect(b.status).toBe("confirmed");
    expect(b.payments[0]!.status).toBe("paid");
    expect(b.payments[0]!.stripePaymentIntentId).toBe(`pi_${payment.id}`);
    const types = await traceTypes(b.traceId);
    expect(types).toEqual(["booking.held", "checkout.created", "payment.succeeded", "booking.confirmed"]);
    // Both sides are mailed once, each with a calendar file.
    const mails = await db.emailMessage.findMany({ where: { traceId: b.traceId } });
    expect(mails).toHaveLength(2);
    expect(mails.every((m) => m.icsContent?.includes("BEGIN:VEVENT"))).toBe(true);
  });

  it("handles completed and expired in either order", async () => {
    const { offering, slots } = await bookableOffering();
    // completed, then a stale expired: stays confirmed
    const a = await hold(offering.id, slots[0]!);
    await paid(a.payment);
    await deliver(
      signedEvent("checkout.session.expired", sessionFor(a.payment, { status: "expired", payment_status: "unpaid" })),
    );
    expect((await booking(a.bookingId)).status).toBe("confirmed");
    expect((await booking(a.bookingId)).payments[0]!.status).toBe("paid");

    // expired first: the hold is released; a payment that still arrives takes the free time back
    const b = await hold(offering.id, slots[1]!);
    await deliver(
      signedEvent("checkout.session.expired", sessionFor(b.payment, { status: "expired", payment_status: "unpaid" })),
    );
    const released = await booking(b.bookingId);
    expect([released.status, released.holdsSlot]).toEqual(["expired", false]);
    await paid(b.payment);
    const late = await booking(b.bookingId);
    expect([late.status, late.holdsSlot]).toEqual(["confirmed", true]);
    const trace = await db.traceEvent.findFirstOrThrow({ where: { traceId: late.traceId, type: "booking.confirmed" } });
    expect(trace.payload).toMatchObject({ late: true });
  });

  it("refunds a late payment in full when someone else booked the time meanwhile, and says why", async () => {
    const { offering, slots } = await bookableOffering();
    const first = await hold(offering.id, slots[2]!);
    await deliver(
      signedEvent(
        "checkout.session.expired",
        sessionFor(first.payment, { status: "expired", payment_status: "unpaid" }),
      ),
    );
    const second = await hold(offering.id, slots[2]!);
    await paid(second.payment);
    expect((await booking(second.bookingId)).status).toBe("confirmed");

    await paid(first.payment); // the first buyer's money arrives after all
    await expect
      .poll(async () => (await booking(first.bookingId)).payments[0]!.status, { timeout: 10_000 })
      .toBe("refunded");
    const b = await booking(first.bookingId);
    expect(b.status).toBe("expired");
    expect(b.payments[0]!.refundedCents).toBe(first.payment.amountCents);
    expect(b.payments[0]!.refunds).toHaveLength(1);
    const requested = await db.traceEvent.findFirstOrThrow({ where: { traceId: b.traceId, type: "refund.requested" } });
    expect(requested.payload).toMatchObject({
      reason: "slot_taken_after_hold_expired",
      explanation: expect.stringMatching(/someone else had booked/),
    });
    expect(await traceTypes(b.traceId)).toEqual(
      expect.arrayContaining(["payment.succeeded", "refund.requested", "refund.issued"]),
    );
    // One confirmed booking for the time, never two.
    expect(
      await db.booking.count({ where: { offeringId: offering.id, startsAt: slots[2]!, status: "confirmed" } }),
    ).toBe(1);
  });

  it("flags an amount, currency or booking mismatch for review and does not confirm", async () => {
    const { offering, slots } = await bookableOffering();
    const { bookingId, payment } = await hold(offering.id, slots[0]!);
    expect((await paid(payment, { amount_total: 100 })).status).toBe(200);
    const b = await booking(bookingId);
    expect(b.status).toBe("pending_payment");
    expect(b.payments[0]!.status).toBe("needs_review");
    expect(b.payments[0]!.reviewReason).toMatch(/amount 100 is not the expected 4500/);
    expect(await traceTypes(b.traceId)).toContain("payment.flagged");
  });

  it("answers 5xx when a handler fails, keeps no trace of the event, and processes Stripe's retry", async () => {
    const { offering, slots } = await bookableOffering();
    const { bookingId, payment } = await hold(offering.id, slots[0]!);
    const fn = `fail_${payment.id}`;
    // A real fault inside the handler's transaction: the database refuses the trace insert for this payment.
    await execSql(
      process.env.DATABASE_URL!,
      `
      CREATE FUNCTION "${fn}"() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END; $$ LANGUAGE plpgsql;
      CREATE TRIGGER "${fn}" BEFORE INSERT ON trace_events FOR EACH ROW
        WHEN (NEW.type = 'payment.succeeded' AND NEW."traceId" = '${payment.traceId}') EXECUTE FUNCTION "${fn}"();`,
    );
    const ev = signedEvent("checkout.session.completed", sessionFor(payment));
    try {
      expect((await deliver(ev)).status).toBe(500);
      expect(await db.processedWebhookEvent.count({ where: { eventId: ev.id } })).toBe(0);
      const b = await booking(bookingId);
      expect([b.status, b.payments[0]!.status]).toEqual(["pending_payment", "pending"]);
    } finally {
      await execSql(process.env.DATABASE_URL!, `DROP TRIGGER "${fn}" ON trace_events; DROP FUNCTION "${fn}"();`);
    }
    expect((await deliver(ev)).body.result).toBe("processed");
    expect((await booking(bookingId)).status).toBe("confirmed");
  });

  it("marks a dispute on the booking and the payment, once", async () => {
    const { offering, slots } = await bookableOffering();
    const { bookingId, payment } = await hold(offering.id, slots[0]!);
    await paid(payment);
    const dispute = {
      id: "dp_1",
      object: "dispute",
      amount: payment.amountCents,
      reason: "fraudulent",
      status: "needs_response",
      payment_intent: `pi_${payment.id}`,
      charge: "ch_1",
    };
    await deliver(signedEvent("charge.dispute.created", dispute));
    await deliver(signedEvent("charge.dispute.created", dispute)); // a second delivery with a new id
    const b = await booking(bookingId);
    expect(b.status).toBe("disputed");
    expect(b.payments[0]!.status).toBe("disputed");
    expect(b.payments[0]!.reviewReason).toMatch(/fraudulent/);
    expect((await traceTypes(b.traceId)).filter((t) => t === "dispute.opened")).toHaveLength(1);
  });

  it("records refunds reported by Stripe, never lowering the total for an older event", async () => {
    const { offering, slots } = await bookableOffering();
    const { bookingId, payment } = await hold(offering.id, slots[0]!);
    await paid(payment);
    const charge = (amount_refunded: number) => ({
      id: "ch_2",
      object: "charge",
      amount: payment.amountCents,
      amount_refunded,
      currency: "eur",
      payment_intent: `pi_${payment.id}`,
    });
    await deliver(signedEvent("charge.refunded", charge(2000)));
    await deliver(signedEvent("charge.refunded", charge(1000)));
    let p = (await booking(bookingId)).payments[0]!;
    expect([p.refundedCents, p.status]).toEqual([2000, "partially_refunded"]);
    // A refund made in Stripe's dashboard joins the ledger through refund.updated.
    await deliver(
      signedEvent("refund.updated", {
        id: "re_dash_1",
        object: "refund",
        amount: 2000,
        status: "succeeded",
        payment_intent: `pi_${payment.id}`,
        metadata: {},
      }),
    );
    p = (await booking(bookingId)).payments[0]!;
    expect(p.refunds.map((r) => [r.amountCents, r.status, r.reason])).toEqual([
      [2000, "succeeded", "refunded_in_stripe"],
    ]);
    await deliver(signedEvent("charge.refunded", charge(99999)));
    expect((await booking(bookingId)).payments[0]!.refundedCents).toBe(payment.amountCents); // capped at what was paid
  });

  it("ignores events for checkout sessions Booth never created", async () => {
    const viewer = await createUser();
    const res = await deliver(
      signedEvent("checkout.session.completed", {
        id: "cs_unknown",
        object: "checkout.session",
        payment_status: "paid",
        amount_total: 1,
        currency: "eur",
        client_reference_id: viewer.id,
        metadata: {},
      }),
    );
    expect(res).toEqual({ status: 200, body: expect.objectContaining({ result: "processed" }) });
  });
});

describe("the return page", () => {
  it("says 'confirming your payment…' until the webhook confirms, and never marks anything paid itself", async () => {
    const { HttpClient } = await import("../helpers/http");
    const { TEST_PASSWORD } = await import("../helpers/factories");
    const { offering, slots } = await bookableOffering();
    const { viewer, bookingId, payment } = await hold(offering.id, slots[0]!);
    const c = new HttpClient();
    await c.signIn(viewer.email, TEST_PASSWORD, "198.51.100.240");
    const page = async () => (await c.fetch(`/bookings/${bookingId}?checkout=success`)).text();
    for (let i = 0; i < 2; i++) {
      const html = await page();
      expect(html).toContain("Confirming your payment…");
      expect(html).toMatch(/data-testid="booking-status">Awaiting payment/);
    }
    expect((await booking(bookingId)).payments[0]!.status).toBe("pending");
    await paid(payment);
    const html = await page();
    expect(html).not.toContain("Confirming your payment…");
    expect(html).toMatch(/data-testid="booking-status">Confirmed/);
    // Somebody else's booking page is a 404, not a leak.
    const stranger = await createUser();
    const s = new HttpClient();
    await s.signIn(stranger.email, TEST_PASSWORD, "198.51.100.241");
    expect((await s.fetch(`/bookings/${bookingId}`)).status).toBe(404);
  });
});
