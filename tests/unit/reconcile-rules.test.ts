import { describe, expect, it } from "vitest";
import {
  compareRefunds,
  comparePayments,
  compareStripeIntents,
  findingKey,
  joinedWithoutPurchase,
  neverJoinedChange,
  nightlyKey,
  paidNeverJoined,
  recordingMissing,
  resolutionsFor,
  resolveFindingInput,
  storyHref,
  stripePaymentHref,
} from "@/lib/payments/reconcile-rules";

const payment = {
  id: "pay_1",
  status: "paid",
  stripePaymentIntentId: "pi_1",
  amountCents: 4000,
  capturedCents: null,
  currency: "EUR",
};
const intent = {
  id: "pi_1",
  status: "succeeded",
  amount: 4000,
  amountReceived: 4000,
  currency: "eur",
  paymentId: "pay_1",
};

describe("reconciliation rules: Booth's ledger against Stripe", () => {
  it("finds nothing when both sides agree", () => {
    expect(comparePayments([{ booth: payment, stripe: intent }])).toEqual([]);
    expect(compareStripeIntents([{ stripe: intent, booth: { id: "pay_1", status: "paid" } }])).toEqual([]);
  });

  it("paid in Booth, but Stripe has no such payment or did not take it", () => {
    expect(comparePayments([{ booth: payment, stripe: null }])).toEqual([
      {
        kind: "booth_paid_not_in_stripe",
        paymentId: "pay_1",
        refundId: null,
        stripeId: "pi_1",
        message: "Booth has €40.00 as paid; Stripe has no such payment",
      },
    ]);
    expect(
      comparePayments([
        { booth: payment, stripe: { ...intent, status: "requires_payment_method", amountReceived: 0 } },
      ])[0]!.message,
    ).toBe("Booth has €40.00 as paid; Stripe says requires_payment_method");
  });

  it("an amount Stripe received that is not Booth's (captured amount first)", () => {
    const [f] = comparePayments([{ booth: payment, stripe: { ...intent, amountReceived: 3500 } }]);
    expect(f).toMatchObject({ kind: "amount_differs", message: "Booth has €40.00; Stripe received €35.00" });
    // A mismatch Booth already recorded (capturedCents) is Booth's own figure: no finding.
    expect(
      comparePayments([{ booth: { ...payment, capturedCents: 3500 }, stripe: { ...intent, amountReceived: 3500 } }]),
    ).toEqual([]);
  });

  it("paid in Stripe but not settled in Booth (unconfirmed, or no payment at all)", () => {
    expect(
      compareStripeIntents([
        { stripe: intent, booth: { id: "pay_1", status: "pending" } },
        { stripe: { ...intent, id: "pi_2", paymentId: null }, booth: null },
        { stripe: { ...intent, id: "pi_3", status: "canceled" }, booth: null },
      ]),
    ).toEqual([
      {
        kind: "paid_in_stripe_not_in_booth",
        paymentId: "pay_1",
        refundId: null,
        stripeId: "pi_1",
        message: "Stripe received €40.00; Booth has the payment as pending",
      },
      {
        kind: "paid_in_stripe_not_in_booth",
        paymentId: null,
        refundId: null,
        stripeId: "pi_2",
        message: "Stripe received €40.00; Booth has no payment for it",
      },
    ]);
  });

  it("refunds Booth recorded that Stripe has not, or has otherwise", () => {
    const refund = {
      id: "ref_1",
      paymentId: "pay_1",
      stripeRefundId: "re_1",
      amountCents: 1000,
      currency: "EUR",
      status: "succeeded",
    };
    const same = { id: "re_1", status: "succeeded", amount: 1000, currency: "eur" };
    expect(compareRefunds([{ booth: refund, stripe: same }])).toEqual([]);
    expect(compareRefunds([{ booth: refund, stripe: null }])[0]).toMatchObject({
      kind: "refund_missing_in_stripe",
      message: "Booth refunded €10.00 (succeeded); Stripe has no such refund",
    });
    expect(compareRefunds([{ booth: refund, stripe: { ...same, status: "failed" } }])[0]).toMatchObject({
      kind: "refund_differs",
      message: "Booth refunded €10.00 (succeeded); Stripe has €10.00 (failed)",
    });
    expect(compareRefunds([{ booth: refund, stripe: { ...same, amount: 100, currency: "usd" } }])[0]!.kind).toBe(
      "refund_differs",
    );
  });

  it("keys the nightly run by its UTC day", () => {
    expect(nightlyKey(new Date("2026-12-02T23:30:00-05:00"))).toBe("nightly:2026-12-03");
  });
});

describe("reconciliation rules: paid sessions against their rooms", () => {
  const now = new Date("2026-12-02T12:00:00Z");
  const paidRow = {
    kind: "booking" as const,
    purchaseId: "bk_1",
    purchaseStatus: "completed",
    bookingId: "bk_1",
    ticketId: null,
    groupEventId: null,
    eventStatus: null,
    roomSessionId: "rs_1",
    paymentId: "pay_1",
    paymentStatus: "paid",
    stripePaymentIntentId: "pi_1",
    amountCents: 4000,
    capturedCents: null,
    refundedCents: 0,
    liveRefundCents: 0,
    unseenRefundCents: 0,
    currency: "EUR",
    endsAt: new Date("2026-12-02T10:30:00Z"),
    payerJoined: false,
  };

  it("paid, over, and the payer never connected: a finding about the payment and its booking", () => {
    expect(paidNeverJoined([paidRow], now)).toEqual([
      {
        kind: "paid_never_joined",
        paymentId: "pay_1",
        refundId: null,
        stripeId: "pi_1",
        bookingId: "bk_1",
        ticketId: null,
        groupEventId: null,
        roomSessionId: "rs_1",
        message: "Paid €40.00 for a session that ended 2026-12-02 10:30 UTC; the payer never connected",
      },
    ]);
    // Part refunded already: what is still held is said.
    expect(
      paidNeverJoined(
        [{ ...paidRow, paymentStatus: "partially_refunded", refundedCents: 1000, liveRefundCents: 1000 }],
        now,
      )[0]!.message,
    ).toBe("Paid €40.00 (€30.00 still held) for a session that ended 2026-12-02 10:30 UTC; the payer never connected");
  });

  it("no finding when the payer joined, the window is still open, the money went back, or the purchase was cancelled", () => {
    expect(paidNeverJoined([{ ...paidRow, payerJoined: true }], now)).toEqual([]);
    expect(paidNeverJoined([{ ...paidRow, endsAt: new Date("2026-12-02T12:30:00Z") }], now)).toEqual([]);
    expect(paidNeverJoined([{ ...paidRow, paymentStatus: "refunded" }], now)).toEqual([]);
    expect(paidNeverJoined([{ ...paidRow, paymentStatus: "disputed" }], now)).toEqual([]);
    expect(paidNeverJoined([{ ...paidRow, purchaseStatus: "cancelled" }], now)).toEqual([]);
    // A refund of all of it on its way to Stripe (still "paid" until Stripe answers): nothing is held.
    expect(paidNeverJoined([{ ...paidRow, liveRefundCents: 4000, unseenRefundCents: 4000 }], now)).toEqual([]);
    expect(
      paidNeverJoined([{ ...paidRow, liveRefundCents: 1500, unseenRefundCents: 1500 }], now)[0]!.message,
    ).toContain("Paid €40.00 (€25.00 still held)");
    const ticket = {
      ...paidRow,
      kind: "ticket" as const,
      purchaseStatus: "paid",
      bookingId: null,
      ticketId: "tk_1",
      groupEventId: "ev_1",
      eventStatus: "ended",
    };
    expect(paidNeverJoined([ticket], now)[0]).toMatchObject({ ticketId: "tk_1", groupEventId: "ev_1" });
    expect(paidNeverJoined([{ ...ticket, eventStatus: "cancelled" }], now)).toEqual([]);
  });

  it("says what no longer holds of a paid session nobody attended (the refund button checks it again)", () => {
    expect(neverJoinedChange(paidRow, now)).toBeNull();
    expect(neverJoinedChange({ ...paidRow, payerJoined: true }, now)).toBe("the payer has connected to the room since");
    expect(neverJoinedChange({ ...paidRow, paymentStatus: "needs_review" }, now)).toBe(
      "the payment is needs review now",
    );
    expect(neverJoinedChange({ ...paidRow, purchaseStatus: "cancelled" }, now)).toBe("the booking is cancelled now");
    expect(neverJoinedChange({ ...paidRow, kind: "ticket", eventStatus: "cancelled" }, now)).toBe(
      "the show was cancelled",
    );
    expect(neverJoinedChange({ ...paidRow, endsAt: new Date("2026-12-02T13:00:00Z") }, now)).toBe(
      "the session now ends 2026-12-02 13:00 UTC, which is not over yet",
    );
  });

  it("joined without a settled purchase: flagged, unless it is the creator or a holder whose money went through", () => {
    const joined = {
      roomSessionId: "rs_1",
      bookingId: "bk_1",
      groupEventId: null,
      userId: "u_1",
      ticketId: null,
      isCreator: false,
      paymentStatus: "paid",
      paymentId: "pay_1",
      firstJoinedAt: new Date("2026-12-02T10:01:00Z"),
    };
    expect(
      joinedWithoutPurchase([joined, { ...joined, isCreator: true, paymentStatus: null, paymentId: null }]),
    ).toEqual([]);
    // A refund after the session does not make the join unpaid.
    expect(joinedWithoutPurchase([{ ...joined, paymentStatus: "refunded" }])).toEqual([]);
    expect(joinedWithoutPurchase([{ ...joined, paymentStatus: null, paymentId: null }])).toEqual([
      {
        kind: "joined_without_purchase",
        paymentId: null,
        refundId: null,
        stripeId: null,
        bookingId: "bk_1",
        ticketId: null,
        groupEventId: null,
        roomSessionId: "rs_1",
        userId: "u_1",
        message:
          "User u_1 joined the room 2026-12-02 10:01 UTC without a paid booking (no payment of theirs): this should be impossible",
      },
    ]);
    expect(
      joinedWithoutPurchase([{ ...joined, bookingId: null, groupEventId: "ev_1", paymentStatus: "pending" }])[0]!
        .message,
    ).toContain("without a paid ticket (their payment is pending)");
  });

  it("a recording the policy asked for, of a session that took place, that never completed", () => {
    const room = {
      roomSessionId: "rs_1",
      bookingId: "bk_1",
      groupEventId: null,
      policy: "always",
      recordingRequestedAt: null,
      anyoneJoined: true,
      recordings: 2,
      completeRecordings: 0,
    };
    expect(recordingMissing([room])[0]).toMatchObject({
      kind: "recording_missing",
      bookingId: "bk_1",
      roomSessionId: "rs_1",
      message: "Recording is always on for this offering, but none of its 2 recordings completed",
    });
    expect(recordingMissing([{ ...room, recordings: 0 }])[0]!.message).toBe(
      "Recording is always on for this offering, but nothing was recorded",
    );
    expect(recordingMissing([{ ...room, completeRecordings: 1 }])).toEqual([]);
    expect(recordingMissing([{ ...room, anyoneJoined: false }])).toEqual([]);
    // On request: only when it was requested (the request is cleared on stop; its recordings remain).
    expect(recordingMissing([{ ...room, policy: "on_request", recordings: 0 }])).toEqual([]);
    expect(recordingMissing([{ ...room, policy: "on_request", recordings: 1 }])).toHaveLength(1);
    expect(
      recordingMissing([{ ...room, policy: "on_request", recordings: 0, recordingRequestedAt: new Date() }])[0]!
        .message,
    ).toBe("Recording was requested in the room, but nothing was recorded");
    expect(recordingMissing([{ ...room, policy: "never" }])).toEqual([]);
  });
});

describe("reconciliation rules: findings across runs and their one-click resolution", () => {
  const f = { kind: "paid_never_joined" as const, paymentId: "pay_1", refundId: null, stripeId: "pi_1", message: "m" };

  it("the same mismatch found twice has one key; another subject or kind another", () => {
    expect(findingKey(f)).toBe(findingKey({ ...f, message: "other words" }));
    expect(findingKey(f)).not.toBe(findingKey({ ...f, paymentId: "pay_2" }));
    expect(findingKey(f)).not.toBe(findingKey({ ...f, kind: "booth_paid_not_in_stripe" }));
    const j = { ...f, kind: "joined_without_purchase" as const, paymentId: null, stripeId: null, roomSessionId: "rs" };
    expect(findingKey({ ...j, userId: "u_1" })).not.toBe(findingKey({ ...j, userId: "u_2" }));
  });

  it("refund only money held for a session never attended, confirm only money Stripe took; dismiss anything", () => {
    expect(resolutionsFor(f)).toEqual(["refund", "dismiss"]);
    expect(resolutionsFor({ kind: "paid_in_stripe_not_in_booth", paymentId: "pay_1" })).toEqual(["confirm", "dismiss"]);
    expect(resolutionsFor({ kind: "paid_in_stripe_not_in_booth", paymentId: null })).toEqual(["dismiss"]);
    expect(resolutionsFor({ kind: "recording_missing", paymentId: null })).toEqual(["dismiss"]);
  });

  it("dismissing needs a note; refund and confirm do not; anything else is refused by name", () => {
    expect(resolveFindingInput.safeParse({ action: "dismiss", findingId: "f" }).error?.issues[0]?.message).toBe(
      "Say in a few words why this needs nothing more (the audit log keeps it).",
    );
    const short = resolveFindingInput.safeParse({ action: "dismiss", findingId: "f", note: " ok " });
    expect(short.error?.issues[0]?.message).toBe(
      "Say in a few words why this needs nothing more (the audit log keeps it).",
    );
    expect(resolveFindingInput.parse({ action: "refund", findingId: "f", note: "" })).toEqual({
      action: "refund",
      findingId: "f",
      note: undefined,
    });
    expect(resolveFindingInput.safeParse({ action: "delete", findingId: "f" }).success).toBe(false);
  });

  it("links a finding to its session story and its payment at Stripe", () => {
    expect(storyHref({ bookingId: "bk_1", ticketId: null, groupEventId: null })).toBe("/admin/sessions/bk_1");
    expect(storyHref({ bookingId: null, ticketId: "tk_1", groupEventId: "ev_1" })).toBe("/admin/tickets/tk_1");
    expect(storyHref({ bookingId: null, ticketId: null, groupEventId: "ev_1" })).toBe("/admin/shows/ev_1");
    expect(storyHref({})).toBeNull();
    expect(stripePaymentHref("pi_1", false)).toBe("https://dashboard.stripe.com/test/payments/pi_1");
    expect(stripePaymentHref("pi_1", true)).toBe("https://dashboard.stripe.com/payments/pi_1");
    expect(stripePaymentHref("re_1", false)).toBeNull();
  });
});
