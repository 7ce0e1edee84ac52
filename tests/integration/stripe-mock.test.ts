import { afterAll, describe, expect, it, vi } from "vitest";

// This file talks to Stripe's API as production does, with stripe-mock standing in for Stripe
// (stripe-mock validates every request against Stripe's OpenAPI spec; it keeps no state, so the
// webhook events that follow are signed by the test, as Stripe would sign them).
vi.hoisted(() => {
  process.env.STRIPE_SECRET_KEY = "sk_test_BoothStripeMock0123456789";
  process.env.STRIPE_API_BASE = process.env.STRIPE_MOCK_URL;
});

afterAll(() => {
  // process.env outlives this file's modules.
  delete process.env.STRIPE_SECRET_KEY;
  delete process.env.STRIPE_API_BASE;
});

const { db } = await import("@/lib/db");
const { checkoutSessionParams, paymentGateway, stripeGateway } = await import("@/lib/payments/gateway");
const { RefundRejected } = await import("@/lib/payments/gateway-contract");
const { processStripeWebhook: processWith } = await import("@/lib/payments/webhook");
const { purchases } = await import("@/lib/runtime/purchases");
const { flushEffects } = await import("../helpers/effects");
const processStripeWebhook = (payload: string, signature: string) => processWith(payload, signature, purchases);
const { cancelBooking } = await import("@/lib/bookings/service");
const { payTestCheckout, testCheckoutEnabled } = await import("@/lib/payments/test-checkout");
const { bookableOffering, hold, sessionFor, signedEvent } = await import("../helpers/bookings");

describe("Stripe API through stripe-mock", () => {
  it("uses Stripe when a secret key is configured", () => {
    expect(paymentGateway().mode).toBe("stripe");
  });

  it("closes Booth's test checkout: with real keys it cannot be reached", async () => {
    expect(testCheckoutEnabled()).toBe(false);
    const { offering, slots } = await bookableOffering();
    const { viewer, payment } = await hold(offering.id, slots[2]!);
    await expect(payTestCheckout(viewer.id, payment.stripeCheckoutSessionId!)).rejects.toMatchObject({ status: 404 });
    expect((await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe("pending");
  });

  it("creates a Checkout Session Stripe accepts, with the booking id, trace id, idempotency key and expiry", async () => {
    const { offering, slots } = await bookableOffering();
    const { bookingId, payment } = await hold(offering.id, slots[0]!);
    expect(payment.stripeCheckoutSessionId).toMatch(/^cs_test_/);
    expect(payment.checkoutUrl).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    // Stripe keeps a session open at least 30 minutes; the 15-minute hold is enforced by Booth.
    expect(payment.checkoutExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
    const trace = await db.traceEvent.findFirstOrThrow({
      where: { traceId: payment.traceId, type: "checkout.created" },
    });
    expect(trace.payload).toMatchObject({ checkoutSessionId: payment.stripeCheckoutSessionId, mode: "stripe" });
    expect((await db.booking.findUniqueOrThrow({ where: { id: bookingId } })).status).toBe("pending_payment");
  });

  it("refuses a request Stripe would refuse (stripe-mock validates parameters)", async () => {
    await expect(
      stripeGateway.createCheckout({
        paymentId: "p",
        purchase: { kind: "booking", id: "b" },
        traceId: "t",
        title: "x",
        description: "",
        amountCents: 1.5,
        currency: "EUR",
        customerEmail: "a@b.test",
        expiresAt: new Date(),
        successUrl: "http://x/s",
        cancelUrl: "http://x/c",
        idempotencyKey: "k-invalid",
        brand: { id: "default", name: "Booth", statementDescriptorSuffix: null, supportEmail: null },
      }),
    ).rejects.toThrow(/validation/i);
  });

  it("sends the brand to Checkout: Stripe accepts the statement descriptor suffix and support line, and checks them", async () => {
    const req = {
      paymentId: "p",
      purchase: { kind: "booking" as const, id: "b" },
      traceId: "t",
      title: "Quick call",
      description: "",
      amountCents: 1500,
      currency: "EUR",
      customerEmail: "a@b.test",
      expiresAt: new Date(Date.now() + 60 * 60_000),
      successUrl: "http://x/s",
      cancelUrl: "http://x/c",
    };
    const ok = await stripeGateway.createCheckout({
      ...req,
      idempotencyKey: `k-brand-${Date.now()}`,
      brand: {
        id: "default",
        name: "Agency Live",
        statementDescriptorSuffix: "AGENCY LIVE",
        supportEmail: "help@agency.test",
      },
    });
    expect(ok.id).toMatch(/^cs_/);
    // What was sent (stripe-mock answers fixtures, so the request itself is checked).
    const params = checkoutSessionParams({
      ...req,
      idempotencyKey: "k",
      brand: {
        id: "agency-live",
        name: "Agency Live",
        statementDescriptorSuffix: "AGENCY LIVE",
        supportEmail: "help@agency.test",
      },
    });
    expect(params.line_items![0]!.price_data!.product_data!.name).toBe("Agency Live · Quick call");
    // The brand sold on travels with the payment, on the session and on its payment intent.
    expect(params.metadata).toMatchObject({ brandId: "agency-live", traceId: "t", paymentId: "p" });
    expect(params.payment_intent_data?.metadata).toMatchObject({ brandId: "agency-live" });
    expect(params.payment_intent_data).toMatchObject({ statement_descriptor_suffix: "AGENCY LIVE" });
    expect(params.custom_text).toMatchObject({
      submit: { message: "Questions about this payment? Write to help@agency.test." },
    });
    const plain = checkoutSessionParams({
      ...req,
      idempotencyKey: "k",
      brand: { id: "default", name: "B", statementDescriptorSuffix: null, supportEmail: null },
    });
    expect(plain.payment_intent_data).not.toHaveProperty("statement_descriptor_suffix");
    expect(plain).not.toHaveProperty("custom_text");
  });

  it("refunds through Stripe when a creator cancels a paid booking", async () => {
    const { offering, slots, creator } = await bookableOffering();
    const { bookingId, payment } = await hold(offering.id, slots[1]!);
    const ev = signedEvent("checkout.session.completed", sessionFor(payment));
    expect((await processStripeWebhook(ev.payload, ev.signature)).result).toBe("processed");
    expect(await cancelBooking(creator.user, bookingId)).toEqual({ status: "cancelled", refundCents: 4500 });
    await flushEffects();
    const refund = await db.refund.findFirstOrThrow({ where: { paymentId: payment.id } });
    expect(refund.stripeRefundId).toMatch(/^re_/);
    expect(refund.idempotencyKey).toBe(`cancel:${bookingId}`);
    expect(refund.status).toBe("succeeded");
    expect((await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).refundedCents).toBe(4500);
  });

  it("closes the open Checkout Session when the viewer releases the hold before paying", async () => {
    const { offering, slots } = await bookableOffering();
    const { viewer, bookingId, payment } = await hold(offering.id, slots[3]!);
    await cancelBooking(viewer, bookingId);
    await flushEffects();
    const closed = await db.traceEvent.findFirstOrThrow({
      where: { traceId: payment.traceId, type: "checkout.closed" },
    });
    expect(closed.payload).toEqual({ checkoutSessionId: payment.stripeCheckoutSessionId, result: "closed" });
  });

  it("tells a refund Stripe refuses for good from a fault worth retrying", async () => {
    const req = { refundId: "r", paymentId: "p", traceId: "t", paymentIntentId: "pi_123", idempotencyKey: "k-refused" };
    await expect(stripeGateway.createRefund({ ...req, amountCents: 1.5 })).rejects.toBeInstanceOf(RefundRejected);
    const ok = await stripeGateway.createRefund({ ...req, amountCents: 100, idempotencyKey: "k-ok" });
    expect(ok.id).toMatch(/^re_/);
    // Stripe's refund list for the intent is read (and paged) without error; stripe-mock's refunds carry no Booth id.
    expect(await stripeGateway.findRefund("pi_123", "booth-refund-id")).toBeNull();
    expect(await stripeGateway.getRefund(ok.id)).toMatchObject({
      id: expect.stringMatching(/^re_/),
      status: expect.stringMatching(/^(succeeded|pending|failed)$/),
    });
  });
});
