import { describe, expect, it } from "vitest";
import { compareRefunds, comparePayments, compareStripeIntents, nightlyKey } from "@/lib/payments/reconcile-rules";

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
