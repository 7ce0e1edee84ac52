import { afterEach, describe, expect, it, vi } from "vitest";
import { adminRefundBooking as adminRefundNow, cancelBooking } from "@/lib/bookings/service";
import { getCreatorMoney } from "@/lib/bookings/queries";
import { db } from "@/lib/db";
import { type AppError, describeError } from "@/lib/errors";
import { RefundRejected } from "@/lib/payments/gateway-contract";
import { runEffects } from "@/lib/ops/outbox";
import { getAdminMoneyOverview } from "@/lib/payments/queries";
import { reconcileRefunds, refundPurchase } from "@/lib/payments/refunds";
import { testGateway } from "@/lib/payments/test-gateway";
import { processStripeWebhook as processWith } from "@/lib/payments/webhook";
import { effectHandlers } from "@/lib/runtime/effects";
import { purchases } from "@/lib/runtime/purchases";
import { flushEffects } from "../helpers/effects";
import { bookableOffering, deliver, hold, sessionFor, signedEvent, traceTypes } from "../helpers/bookings";
import { createUser } from "../helpers/factories";
import { expectFault } from "../helpers/faults";

// The payment gateway here is Booth's test gateway (no Stripe key), which sends the same signed
// events through the same webhook code as Stripe. Where a test needs Stripe to answer in a way only
// the real Stripe can (a refund refused, a refund still pending, an intent's metadata), it replaces
// that one gateway call with vi.spyOn and says so; everything else runs for real on PostgreSQL.

const appError = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as AppError,
  );
const paymentOf = (bookingId: string) =>
  db.payment.findFirstOrThrow({ where: { bookingId }, include: { refunds: { orderBy: { createdAt: "asc" } } } });

async function paidBooking(opts: Parameters<typeof bookableOffering>[0] = {}) {
  const { offering, slots, creator } = await bookableOffering(opts);
  const h = await hold(offering.id, slots[0]!);
  await deliver(signedEvent("checkout.session.completed", sessionFor(h.payment)));
  return { ...h, creator, admin: await createUser({ role: "admin" }) };
}

/** An admin's refund, and the outbox effect it writes carried out (as the app's own nudge would). */
async function adminRefundBooking(...args: Parameters<typeof adminRefundNow>) {
  const refund = await adminRefundNow(...args);
  await flushEffects();
  return refund;
}
const processStripeWebhook = (payload: string, signature: string) => processWith(payload, signature, purchases);
/** The outbox effect that sends a refund to the provider. */
const refundEffect = (refundId: string) =>
  db.outboxEffect.findUniqueOrThrow({ where: { dedupeKey: `refund:${refundId}` } });
/** The refunds pass of the sweep for one payment, with "a while ago" meaning now. */
const reconcile = (paymentId: string) =>
  reconcileRefunds(purchases, { pendingOlderThanMs: 0, paymentIds: [paymentId] });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("refunds Stripe already has are never sent again", () => {
  it("a pending refund is looked up by the retry sweep, never created a second time", async () => {
    const { bookingId, admin, payment } = await paidBooking();
    // Stripe answers "pending" (a bank that settles refunds later): only the real Stripe does that.
    const create = vi
      .spyOn(testGateway, "createRefund")
      .mockResolvedValue({ id: `re_pending_${payment.id}`, status: "pending" });
    const lookup = vi
      .spyOn(testGateway, "getRefund")
      .mockResolvedValue({ id: `re_pending_${payment.id}`, status: "pending" });
    await adminRefundBooking(admin, bookingId, {
      amountCents: 1000,
      reason: "sound problems",
      idempotencyKey: "pending-1",
    });
    let refund = (await paymentOf(bookingId)).refunds[0]!;
    expect([refund.status, refund.stripeRefundId]).toEqual(["pending", `re_pending_${payment.id}`]);

    const sweep = () => reconcile(payment.id);
    await sweep();
    await sweep();
    expect(create).toHaveBeenCalledTimes(1);
    expect(lookup).toHaveBeenCalledTimes(2);
    lookup.mockResolvedValue({ id: `re_pending_${payment.id}`, status: "succeeded" });
    await sweep();
    refund = (await paymentOf(bookingId)).refunds[0]!;
    expect(refund.status).toBe("succeeded");
    expect(create).toHaveBeenCalledTimes(1);
    expect((await paymentOf(bookingId)).refundedCents).toBe(1000);
  });

  it("a refund made in Stripe's dashboard is adopted with its real status and is never sent by Booth", async () => {
    const { bookingId, payment } = await paidBooking();
    const create = vi.spyOn(testGateway, "createRefund");
    // Stripe still says "pending" when the sweep asks (the test gateway would say "succeeded").
    const lookup = vi
      .spyOn(testGateway, "getRefund")
      .mockResolvedValue({ id: `re_dash_${payment.id}`, status: "pending" });
    const dash = {
      id: `re_dash_${payment.id}`,
      object: "refund",
      amount: 2000,
      currency: "eur",
      payment_intent: `pi_${payment.id}`,
      metadata: {},
    };
    await deliver(signedEvent("refund.created", { ...dash, status: "pending" }));
    let refund = (await paymentOf(bookingId)).refunds[0]!;
    expect([refund.status, refund.reason, refund.amountCents]).toEqual(["pending", "refunded_in_stripe", 2000]);
    await reconcile(payment.id); // looks it up (it is Stripe's), never creates it
    expect(create).not.toHaveBeenCalled();
    expect(lookup).toHaveBeenCalledTimes(1);
    expect((await paymentOf(bookingId)).refunds[0]!.status).toBe("pending");
    await deliver(signedEvent("refund.updated", { ...dash, status: "succeeded" }));
    await deliver(signedEvent("refund.updated", { ...dash, status: "succeeded" })); // again, new event id
    refund = (await paymentOf(bookingId)).refunds[0]!;
    expect(refund.status).toBe("succeeded");
    const p = await paymentOf(bookingId);
    expect([p.refundedCents, p.status, p.refunds.length]).toEqual([2000, "partially_refunded", 1]);
    const trace = await traceTypes(payment.traceId);
    expect(trace.filter((t) => t === "refund.issued")).toHaveLength(1);
    expect(trace).toContain("refund.requested");
  });

  it("caps Booth's refunds by what Stripe reports refunded, even for refunds Booth never saw one by one", async () => {
    const { bookingId, admin, payment } = await paidBooking();
    // Only charge.refunded arrives (say, a dashboard refund whose refund.* events were not subscribed).
    await deliver(
      signedEvent("charge.refunded", {
        id: `ch_${payment.id}`,
        object: "charge",
        amount: 4500,
        amount_refunded: 4000,
        currency: "eur",
        payment_intent: `pi_${payment.id}`,
      }),
    );
    const err = await appError(adminRefundBooking(admin, bookingId, { amountCents: 1000, reason: "goodwill" }));
    expect(err?.status).toBe(409);
    expect(err?.message).toMatch(/At most €5\.00/);
    await adminRefundBooking(admin, bookingId, { reason: "rest" }); // "all that is left"
    expect((await paymentOf(bookingId)).refunds.map((r) => r.amountCents)).toEqual([500]);
  });
});

describe("refunds that fail", () => {
  it("a refund Stripe refuses for good is marked failed on the trace, and the sweep does not send it again", async () => {
    const { bookingId, admin, payment } = await paidBooking();
    // Stripe refusing a refund (invalid request, e.g. the charge is disputed) cannot be provoked here.
    const create = vi
      .spyOn(testGateway, "createRefund")
      .mockRejectedValue(new RefundRejected("Charge ch_1 has been charged back.", "charge_disputed"));
    await expectFault("Stripe refuses the refund for good", () =>
      adminRefundBooking(admin, bookingId, { amountCents: 1500, reason: "goodwill", idempotencyKey: "refused-1" }),
    );
    const refund = (await paymentOf(bookingId)).refunds[0]!;
    expect(refund.status).toBe("failed");
    const failed = await db.traceEvent.findFirstOrThrow({ where: { traceId: payment.traceId, type: "refund.failed" } });
    expect(failed.payload).toMatchObject({ refundId: refund.id, detail: expect.stringMatching(/charge_disputed/) });
    // The money meant to go back shows on the admin review list.
    expect((await paymentOf(bookingId)).reviewReason).toMatch(/^refund failed: €15\.00/);
    expect((await getAdminMoneyOverview(admin)).review.map((p) => p.id)).toContain(payment.id);
    await reconcile(payment.id);
    // The effect that sent it is done (its answer was a refusal): nothing sends it again.
    expect((await refundEffect(refund.id)).status).toBe("done");
    expect(await runEffects({ ids: [(await refundEffect(refund.id)).id], handlers: effectHandlers })).toMatchObject({
      done: 0,
      retry: 0,
    });
    expect(create).toHaveBeenCalledTimes(1);
    // The failed refund no longer counts against what is left.
    create.mockRestore();
    // A smaller refund does not make up for the failed one: the flag stays.
    await adminRefundBooking(admin, bookingId, { amountCents: 500, reason: "goodwill" });
    expect((await paymentOf(bookingId)).reviewReason).toMatch(/^refund failed/);
    await adminRefundBooking(admin, bookingId, { reason: "second try" });
    const after = await paymentOf(bookingId);
    expect([after.refundedCents, after.reviewReason]).toEqual([4500, null]); // everything went back: the flag is settled
  });

  it("a network fault leaves the refund requested for the sweep (same key), never failed", async () => {
    const { bookingId, admin } = await paidBooking();
    const create = vi.spyOn(testGateway, "createRefund").mockRejectedValueOnce(new Error("socket hang up"));
    await expectFault("the refund call to Stripe fails with a network error", () =>
      adminRefundBooking(admin, bookingId, { amountCents: 700, reason: "goodwill" }),
    );
    const refund = (await paymentOf(bookingId)).refunds[0]!;
    expect(refund.status).toBe("requested");
    // The effect backs off and stays pending; the outbox sends it again (here: now) with the same key.
    const effect = await refundEffect(refund.id);
    expect([effect.status, effect.attempts, effect.lastError]).toEqual(["pending", 1, "socket hang up"]);
    expect(await runEffects({ ids: [effect.id], handlers: effectHandlers })).toMatchObject({ done: 1 });
    expect(create).toHaveBeenCalledTimes(2);
    expect(create.mock.calls[0]![0].idempotencyKey).toBe(create.mock.calls[1]![0].idempotencyKey);
    expect((await paymentOf(bookingId)).refunds[0]!.status).toBe("succeeded");
  });

  it("refund.failed after success puts the refund back to failed and flags the payment", async () => {
    const { bookingId, admin, payment } = await paidBooking();
    await adminRefundBooking(admin, bookingId, { amountCents: 900, reason: "goodwill" });
    const refund = (await paymentOf(bookingId)).refunds[0]!;
    expect(refund.status).toBe("succeeded");
    await deliver(
      signedEvent("refund.failed", {
        id: refund.stripeRefundId,
        object: "refund",
        amount: 900,
        status: "failed",
        failure_reason: "expired_or_canceled_card",
        payment_intent: `pi_${payment.id}`,
        metadata: { refundId: refund.id, paymentId: payment.id },
      }),
    );
    const p = await paymentOf(bookingId);
    expect(p.refunds[0]!.status).toBe("failed");
    // The money is the platform's again: the refunded total drops back and the payment can be refunded anew.
    expect([p.refundedCents, p.status]).toEqual([0, "paid"]);
    expect(p.reviewReason).toMatch(/^refund failed: €9\.00/);
    const failed = await db.traceEvent.findFirstOrThrow({ where: { traceId: payment.traceId, type: "refund.failed" } });
    expect(failed.payload).toMatchObject({
      detail: "expired_or_canceled_card",
      explanation: expect.stringMatching(/after it had succeeded/),
    });
    // charge.refunded sent before the failure (a late or retried delivery) does not put the 900 back.
    const sentBefore = Math.floor(Date.now() / 1000) - 60;
    await deliver(
      signedEvent(
        "charge.refunded",
        {
          id: `ch_${payment.id}`,
          object: "charge",
          amount: 4500,
          amount_refunded: 900,
          currency: "eur",
          payment_intent: `pi_${payment.id}`,
        },
        { created: sentBefore },
      ),
    );
    expect((await paymentOf(bookingId)).refundedCents).toBe(0);
    await adminRefundBooking(admin, bookingId, { reason: "to another card" });
    expect((await paymentOf(bookingId)).refundedCents).toBe(4500);
  });
});

describe("refunds Stripe never answered", () => {
  it("past Stripe's 24-hour idempotency window a refund is not sent again; Stripe is asked, and one it never made is marked failed and flagged", async () => {
    const { bookingId, payment, admin } = await paidBooking();
    const create = vi.spyOn(testGateway, "createRefund").mockRejectedValueOnce(new Error("timeout"));
    await expectFault("the refund call to Stripe times out", () =>
      adminRefundBooking(admin, bookingId, { amountCents: 1200, reason: "goodwill" }),
    );
    const refund = (await paymentOf(bookingId)).refunds[0]!;
    await db.refund.update({
      where: { id: refund.id },
      data: { createdAt: new Date(Date.now() - 24 * 3_600_000), updatedAt: new Date(Date.now() - 3_600_000) },
    });
    await reconcile(payment.id);
    expect(create).toHaveBeenCalledTimes(1);
    // The effect's own retry does not send it either now: past the idempotency window it is not resent.
    await runEffects({ ids: [(await refundEffect(refund.id)).id], handlers: effectHandlers });
    expect(create).toHaveBeenCalledTimes(1);
    const p = await paymentOf(bookingId);
    expect(p.refunds[0]!.status).toBe("failed");
    expect(p.reviewReason).toMatch(/^refund failed: €12\.00/);
    const failed = await db.traceEvent.findFirstOrThrow({ where: { traceId: payment.traceId, type: "refund.failed" } });
    expect(failed.payload).toMatchObject({ detail: expect.stringMatching(/no record of this refund/) });
    // Its amount is free again.
    await adminRefundBooking(admin, bookingId, { reason: "refund again" });
    expect((await paymentOf(bookingId)).refundedCents).toBe(4500);
  });

  it("one Stripe did make (its answer was lost) joins the ledger as succeeded", async () => {
    const { bookingId, payment, admin } = await paidBooking();
    vi.spyOn(testGateway, "createRefund").mockRejectedValueOnce(new Error("timeout"));
    await expectFault("the refund call to Stripe times out", () =>
      adminRefundBooking(admin, bookingId, { amountCents: 1300, reason: "goodwill" }),
    );
    const refund = (await paymentOf(bookingId)).refunds[0]!;
    await db.refund.update({
      where: { id: refund.id },
      data: { createdAt: new Date(Date.now() - 24 * 3_600_000), updatedAt: new Date(Date.now() - 3_600_000) },
    });
    // Stripe's refund list (which would hold it, with Booth's refund id in its metadata) is replaced: no Stripe here.
    const find = vi
      .spyOn(testGateway, "findRefund")
      .mockResolvedValue({ id: `re_found_${refund.id}`, status: "succeeded" });
    await reconcile(payment.id);
    expect(find).toHaveBeenCalledWith(`pi_${payment.id}`, refund.id);
    const p = await paymentOf(bookingId);
    expect([p.refunds[0]!.status, p.refunds[0]!.stripeRefundId, p.refundedCents]).toEqual([
      "succeeded",
      `re_found_${refund.id}`,
      1300,
    ]);
  });
});

describe("idempotency keys from the admin form", () => {
  it("a key reused for a different amount is refused with 409 instead of silently returning the first refund", async () => {
    const { bookingId, admin } = await paidBooking();
    await adminRefundBooking(admin, bookingId, { amountCents: 1000, reason: "first", idempotencyKey: "form-key-1" });
    const again = await adminRefundBooking(admin, bookingId, {
      amountCents: 1000,
      reason: "first",
      idempotencyKey: "form-key-1",
    });
    expect(again.amountCents).toBe(1000);
    const err = await appError(
      adminRefundBooking(admin, bookingId, { amountCents: 2000, reason: "second", idempotencyKey: "form-key-1" }),
    );
    expect(err?.status).toBe(409);
    expect(err?.message).toMatch(/already used for €10\.00/);
    expect((await paymentOf(bookingId)).refunds).toHaveLength(1);
  });
});

describe("a payment that did not match its booking", () => {
  it("refunds at most what Stripe actually captured", async () => {
    const { offering, slots } = await bookableOffering();
    const h = await hold(offering.id, slots[0]!);
    await deliver(signedEvent("checkout.session.completed", sessionFor(h.payment, { amount_total: 3000 })));
    const p = await paymentOf(h.bookingId);
    expect([p.status, p.capturedCents]).toEqual(["needs_review", 3000]);
    const admin = await createUser({ role: "admin" });
    const err = await appError(adminRefundBooking(admin, h.bookingId, { amountCents: 3001, reason: "mismatch" }));
    expect(err?.message).toMatch(/At most €30\.00/);
    await refundPurchase({
      purchase: { kind: "booking", id: h.bookingId },
      reason: "mismatch",
      requestedById: admin.id,
      idempotencyKey: "mismatch-1",
    });
    await flushEffects();
    expect((await paymentOf(h.bookingId)).refundedCents).toBe(3000);
  });
});

describe("disputes", () => {
  const dispute = (paymentId: string, status: string) => ({
    id: `dp_${paymentId}`,
    object: "dispute",
    amount: 4500,
    reason: "fraudulent",
    status,
    payment_intent: `pi_${paymentId}`,
    charge: `ch_${paymentId}`,
  });

  it("a dispute holds the payment out of earnings; won, the booking and payment return to where they were", async () => {
    const { bookingId, payment, creator } = await paidBooking();
    await deliver(signedEvent("charge.dispute.created", dispute(payment.id, "needs_response")));
    let money = (await getCreatorMoney(creator.user))!;
    expect(money.earnings[0]).toMatchObject({ grossCents: 0, disputedCents: 4500 });
    await deliver(signedEvent("charge.dispute.closed", dispute(payment.id, "won")));
    await deliver(signedEvent("charge.dispute.closed", dispute(payment.id, "won")));
    const b = await db.booking.findUniqueOrThrow({ where: { id: bookingId }, include: { payments: true } });
    expect([b.status, b.payments[0]!.status]).toEqual(["confirmed", "paid"]);
    money = (await getCreatorMoney(creator.user))!;
    expect(money.earnings[0]).toMatchObject({ grossCents: 4500, disputedCents: 0 });
    expect((await traceTypes(payment.traceId)).filter((t) => t === "dispute.closed")).toHaveLength(1);
  });

  it("a lost dispute keeps the payment out of earnings and says why on the trace", async () => {
    const { bookingId, payment, creator } = await paidBooking();
    await deliver(signedEvent("charge.dispute.created", dispute(payment.id, "needs_response")));
    await deliver(signedEvent("charge.dispute.closed", dispute(payment.id, "lost")));
    const b = await db.booking.findUniqueOrThrow({ where: { id: bookingId }, include: { payments: true } });
    expect([b.status, b.payments[0]!.status]).toEqual(["disputed", "disputed"]);
    expect(b.payments[0]!.reviewReason).toMatch(/lost/);
    expect((await getCreatorMoney(creator.user))!.earnings[0]).toMatchObject({ grossCents: 0, netCents: 0 });
    const closed = await db.traceEvent.findFirstOrThrow({
      where: { traceId: payment.traceId, type: "dispute.closed" },
    });
    expect(closed.payload).toMatchObject({
      status: "lost",
      explanation: expect.stringMatching(/bank returned the money/),
    });
  });

  it("a dispute that arrives before the payment is recorded gets 5xx, and Stripe's retry applies it after", async () => {
    const { offering, slots } = await bookableOffering();
    const h = await hold(offering.id, slots[0]!);
    // Stripe's PaymentIntent lookup (its metadata names Booth's payment) is replaced: no Stripe here.
    vi.spyOn(testGateway, "paymentIdForIntent").mockResolvedValue(h.payment.id);
    const ev = signedEvent("charge.dispute.created", dispute(h.payment.id, "needs_response"));
    await expect(processStripeWebhook(ev.payload, ev.signature)).rejects.toMatchObject({ status: 503 });
    expect(await db.processedWebhookEvent.count({ where: { eventId: ev.id } })).toBe(0);
    expect((await paymentOf(h.bookingId)).status).toBe("pending");
    await deliver(signedEvent("checkout.session.completed", sessionFor(h.payment)));
    expect((await processStripeWebhook(ev.payload, ev.signature)).result).toBe("processed");
    const b = await db.booking.findUniqueOrThrow({ where: { id: h.bookingId }, include: { payments: true } });
    expect([b.status, b.payments[0]!.status]).toEqual(["disputed", "disputed"]);
  });

  it("a dispute, or a refund, for a payment Booth never recorded as paid stops waiting after 6 hours and flags the payment", async () => {
    const { offering, slots } = await bookableOffering();
    const h = await hold(offering.id, slots[0]!);
    await deliver(
      signedEvent("checkout.session.expired", sessionFor(h.payment, { status: "expired", payment_status: "unpaid" })),
    );
    vi.spyOn(testGateway, "paymentIdForIntent").mockResolvedValue(h.payment.id); // Stripe's intent lookup, replaced
    const old = signedEvent("charge.dispute.created", dispute(h.payment.id, "needs_response"), {
      created: Math.floor(Date.now() / 1000) - 7 * 3600,
    });
    expect((await processStripeWebhook(old.payload, old.signature)).result).toBe("processed");
    const p = await paymentOf(h.bookingId);
    expect([p.status, p.reviewReason]).toEqual([
      "expired",
      expect.stringMatching(/^Dispute dp_.* never paid: check it in Stripe/),
    ]);
  });

  it("winning a dispute keeps a refund failure raised during it on the review list", async () => {
    const { bookingId, payment, admin } = await paidBooking();
    await deliver(signedEvent("charge.dispute.created", dispute(payment.id, "needs_response")));
    // Stripe refuses refunds of a disputed charge; that refusal cannot be provoked here.
    vi.spyOn(testGateway, "createRefund").mockRejectedValueOnce(
      new RefundRejected("Charge has been disputed.", "charge_disputed"),
    );
    await expectFault("Stripe refuses to refund a disputed charge", () =>
      adminRefundBooking(admin, bookingId, { amountCents: 1000, reason: "goodwill" }),
    );
    expect((await paymentOf(bookingId)).reviewReason).toMatch(/^refund failed/);
    await deliver(signedEvent("charge.dispute.closed", dispute(payment.id, "won")));
    const p = await paymentOf(bookingId);
    expect([p.status, p.reviewReason]).toEqual(["paid", expect.stringMatching(/^refund failed: €10\.00/)]);
  });

  it("a closing processed before its opening leaves the payment as it was", async () => {
    const { bookingId, payment } = await paidBooking();
    await deliver(signedEvent("charge.dispute.closed", dispute(payment.id, "won")));
    await deliver(signedEvent("charge.dispute.created", dispute(payment.id, "needs_response")));
    const b = await db.booking.findUniqueOrThrow({ where: { id: bookingId }, include: { payments: true } });
    expect([b.status, b.payments[0]!.status]).toEqual(["confirmed", "paid"]);
    expect(await traceTypes(payment.traceId)).toEqual(expect.arrayContaining(["dispute.closed", "dispute.opened"]));
  });

  it("with two disputes, winning one restores nothing while the other is open, and losing it keeps the money out", async () => {
    const { bookingId, payment, creator } = await paidBooking();
    const second = { ...dispute(payment.id, "needs_response"), id: `dp2_${payment.id}` };
    await deliver(signedEvent("charge.dispute.created", dispute(payment.id, "needs_response")));
    await deliver(signedEvent("charge.dispute.created", second));
    expect((await traceTypes(payment.traceId)).filter((t) => t === "dispute.opened")).toHaveLength(2);
    await deliver(signedEvent("charge.dispute.closed", dispute(payment.id, "won")));
    expect((await paymentOf(bookingId)).status).toBe("disputed");
    await deliver(signedEvent("charge.dispute.closed", { ...second, status: "lost" }));
    const b = await db.booking.findUniqueOrThrow({ where: { id: bookingId }, include: { payments: true } });
    expect([b.status, b.payments[0]!.status]).toEqual(["disputed", "disputed"]);
    expect((await getCreatorMoney(creator.user))!.earnings[0]).toMatchObject({ grossCents: 0 });
  });
});

describe("cancelling before payment", () => {
  it("closes the open checkout after commit and records it on the trace", async () => {
    const { offering, slots } = await bookableOffering();
    const h = await hold(offering.id, slots[0]!);
    // Records what another connection sees when the checkout is closed: the cancellation must be committed.
    let seenByOthers: string | undefined;
    const expire = vi.spyOn(testGateway, "expireCheckout").mockImplementation(async () => {
      seenByOthers = (await db.booking.findUniqueOrThrow({ where: { id: h.bookingId } })).status;
    });
    await cancelBooking(h.viewer, h.bookingId);
    await flushEffects();
    expect(expire).toHaveBeenCalledWith(h.payment.stripeCheckoutSessionId);
    expect(seenByOthers).toBe("cancelled");
    const closed = await db.traceEvent.findFirstOrThrow({
      where: { traceId: h.payment.traceId, type: "checkout.closed" },
    });
    expect(closed.payload).toMatchObject({ checkoutSessionId: h.payment.stripeCheckoutSessionId, result: "closed" });
  });

  it("a payment that still arrives is refunded, and its refund mail carries no calendar invite", async () => {
    const { offering, slots } = await bookableOffering();
    const h = await hold(offering.id, slots[0]!);
    await cancelBooking(h.viewer, h.bookingId);
    await deliver(signedEvent("checkout.session.completed", sessionFor(h.payment)));
    await expect.poll(async () => (await paymentOf(h.bookingId)).status, { timeout: 10_000 }).toBe("refunded");
    const mails = await db.emailMessage.findMany({ where: { traceId: h.payment.traceId } });
    expect(mails.length).toBeGreaterThanOrEqual(2);
    expect(mails.every((m) => m.icsContent === null)).toBe(true);
  });
});

describe("two transactions that deadlock", () => {
  it("the one PostgreSQL aborts is answered 409 'try again', not 500", async () => {
    const a = await createUser();
    const b = await createUser();
    const lock = (first: string, second: string) =>
      db.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT id FROM users WHERE id = ${first} FOR UPDATE`;
        await new Promise((r) => setTimeout(r, 300));
        await tx.$queryRaw`SELECT id FROM users WHERE id = ${second} FOR UPDATE`;
      });
    const results = await Promise.allSettled([lock(a.id, b.id), lock(b.id, a.id)]);
    const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult | undefined;
    expect(failed).toBeDefined();
    expect(describeError(failed!.reason)).toMatchObject({ status: 409, message: expect.stringMatching(/try again/) });
  });
});
