import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { bookableOffering, deliver, hold, sessionFor, signedEvent, traceTypes } from "../helpers/bookings";
import { flushEffects } from "../helpers/effects";
import { TEST_PASSWORD } from "../helpers/factories";
import { HttpClient } from "../helpers/http";

// Signed events Booth cannot use are acknowledged (200: Stripe stops retrying) and flagged for a person,
// never a 500 that Stripe would retry for days; and Stripe's refund figures never make Booth show or count
// more than was captured. Everything goes over HTTP to the running app, as Stripe sends it.

async function paid() {
  const { offering, slots } = await bookableOffering();
  const h = await hold(offering.id, slots[0]!);
  await deliver(signedEvent("checkout.session.completed", sessionFor(h.payment)));
  return h;
}
const paymentOf = (id: string) => db.payment.findUniqueOrThrow({ where: { id }, include: { refunds: true } });

describe("Stripe events Booth cannot use", () => {
  it("an object of the wrong shape is acknowledged once, flagged on its payment and its trace, and changes nothing else", async () => {
    const { offering, slots } = await bookableOffering();
    const h = await hold(offering.id, slots[0]!);
    const bad = signedEvent("checkout.session.completed", sessionFor(h.payment, { amount_total: "4500" }));
    const res = await deliver(bad);
    expect([res.status, res.body.result]).toEqual([200, "flagged"]);
    expect((res.body as { problem?: string }).problem).toMatch(/^data\.object\.amount_total: /);
    const p = await paymentOf(h.payment.id);
    expect([p.status, p.reviewReason]).toEqual([
      "pending",
      expect.stringMatching(/could not be used: data\.object\.amount_total/),
    ]);
    expect((await db.booking.findUniqueOrThrow({ where: { id: h.bookingId } })).status).toBe("pending_payment");
    expect(await traceTypes(h.payment.traceId)).toContain("payment.flagged");
    expect((await deliver(bad)).body.result).toBe("duplicate"); // redelivered: nothing twice
    expect((await traceTypes(h.payment.traceId)).filter((t) => t === "payment.flagged")).toHaveLength(1);
  });

  it("an event without an object, or of the other mode (live vs test), is acknowledged and flagged, not a 500", async () => {
    const h = await paid();
    const empty = await deliver(signedEvent("charge.refunded", undefined as never));
    expect([empty.status, empty.body.result]).toEqual([200, "flagged"]);
    const live = signedEvent(
      "charge.refunded",
      {
        id: `ch_${h.payment.id}`,
        object: "charge",
        amount_refunded: 4500,
        payment_intent: `pi_${h.payment.id}`,
        metadata: { paymentId: h.payment.id },
      },
      { livemode: true },
    );
    const res = await deliver(live);
    expect([res.status, res.body.result]).toEqual([200, "flagged"]);
    const p = await paymentOf(h.payment.id);
    // The test-mode Booth did not apply a live-mode refund to its ledger.
    expect([p.refundedCents, p.status, p.reviewReason]).toEqual([
      0,
      "paid",
      expect.stringMatching(/live-mode event reached a test-mode Booth/),
    ]);
    expect(await db.processedWebhookEvent.count({ where: { eventId: { in: [live.id] } } })).toBe(1);
  });
});

describe("refund amounts Stripe reports above what was captured", () => {
  it("are stored as reported, while the ledger, the emails and the pages stop at what was captured", async () => {
    const h = await paid();
    // A charge.refunded reporting more than the 45.00 captured (a dashboard refund on another charge, an error).
    await deliver(
      signedEvent("charge.refunded", {
        id: `ch_${h.payment.id}`,
        object: "charge",
        amount: 4500,
        amount_refunded: 9900,
        currency: "eur",
        payment_intent: `pi_${h.payment.id}`,
      }),
    );
    let p = await paymentOf(h.payment.id);
    expect([p.stripeRefundedCents, p.refundedCents, p.status]).toEqual([9900, 4500, "refunded"]);
    // A refund made in the dashboard for 99.00: kept as reported on its row; the mail says 45.00.
    await deliver(
      signedEvent("refund.created", {
        id: `re_big_${h.payment.id}`,
        object: "refund",
        amount: 9900,
        currency: "eur",
        status: "succeeded",
        payment_intent: `pi_${h.payment.id}`,
        metadata: {},
      }),
    );
    await flushEffects();
    p = await paymentOf(h.payment.id);
    expect(p.refunds.map((r) => r.amountCents)).toEqual([9900]);
    expect(p.refundedCents).toBe(4500);
    const mail = await db.emailMessage.findFirstOrThrow({
      where: { traceId: h.payment.traceId, subject: { startsWith: "Refund" } },
    });
    expect(mail.subject).toBe("Refund: €45.00 for Portfolio review");
    expect(mail.textBody).not.toContain("99");
    // The viewer's booking page shows at most what was paid.
    const c = new HttpClient();
    await c.signIn(h.viewer.email, TEST_PASSWORD, "198.51.100.240");
    const html = await (await c.fetch(`/bookings/${h.bookingId}`)).text();
    expect(html).not.toContain("€99.00");
    expect(html).toContain("€45.00");
  });
});
