import { describe, expect, it } from "vitest";
import { cancellationRefund } from "@/lib/bookings/policy";
import { earnings, type PaymentMoney, type RefundRow, refundableCents } from "@/lib/payments/refund-math";
import { IllegalTransition, assertTransition, canTransition, occupiesSlot } from "@/lib/bookings/state";
import { checkoutMismatches } from "@/lib/payments/checks";

describe("booking state machine", () => {
  it("allows the paths a booking can take", () => {
    expect(canTransition("pending_payment", "confirmed")).toBe(true);
    expect(canTransition("pending_payment", "expired")).toBe(true);
    expect(canTransition("expired", "confirmed")).toBe(true); // a late payment while the time is still free
    expect(canTransition("confirmed", "cancelled")).toBe(true);
    expect(canTransition("confirmed", "disputed")).toBe(true);
    expect(canTransition("confirmed", "completed")).toBe(true);
  });
  it("refuses the ones it cannot", () => {
    expect(canTransition("cancelled", "confirmed")).toBe(false);
    expect(canTransition("expired", "cancelled")).toBe(false);
    expect(canTransition("completed", "confirmed")).toBe(false);
    expect(canTransition("confirmed", "pending_payment")).toBe(false);
    expect(() => assertTransition("cancelled", "confirmed")).toThrow(IllegalTransition);
  });
  it("knows when a booking occupies its time", () => {
    const now = new Date("2027-01-01T12:00:00Z");
    expect(occupiesSlot("confirmed", null, now)).toBe(true);
    expect(occupiesSlot("pending_payment", new Date("2027-01-01T12:10:00Z"), now)).toBe(true);
    expect(occupiesSlot("pending_payment", new Date("2027-01-01T11:59:00Z"), now)).toBe(false);
    expect(occupiesSlot("expired", null, now)).toBe(false);
  });
});

describe("cancellation policy and refunds", () => {
  const startsAt = new Date("2027-01-10T12:00:00Z");
  const at = (h: number) => new Date(startsAt.getTime() - h * 3_600_000);
  it("refunds a viewer in full at least N hours before, nothing later", () => {
    expect(
      cancellationRefund({
        actor: "viewer",
        paidCents: 5000,
        alreadyRefundedCents: 0,
        startsAt,
        freeCancellationHours: 24,
        now: at(24),
      }),
    ).toEqual({ refundCents: 5000, reason: "viewer_cancelled_in_time" });
    expect(
      cancellationRefund({
        actor: "viewer",
        paidCents: 5000,
        alreadyRefundedCents: 0,
        startsAt,
        freeCancellationHours: 24,
        now: at(23.9),
      }),
    ).toEqual({ refundCents: 0, reason: "viewer_cancelled_late" });
  });
  it("refunds in full when the creator or an admin cancels, even late, minus what was already refunded", () => {
    expect(
      cancellationRefund({
        actor: "creator",
        paidCents: 5000,
        alreadyRefundedCents: 1000,
        startsAt,
        freeCancellationHours: 24,
        now: at(1),
      }).refundCents,
    ).toBe(4000);
    expect(
      cancellationRefund({
        actor: "admin",
        paidCents: 5000,
        alreadyRefundedCents: 0,
        startsAt,
        freeCancellationHours: 24,
        now: at(1),
      }).refundCents,
    ).toBe(5000);
  });
  it("never lets refunds exceed the payment; failed refunds free their amount again", () => {
    const pay = (refunds: RefundRow[], over: Partial<PaymentMoney> = {}): PaymentMoney => ({
      amountCents: 5000,
      capturedCents: null,
      refundedCents: 0,
      refunds,
      ...over,
    });
    expect(
      refundableCents(
        pay([
          { amountCents: 3000, status: "succeeded", stripeRefundId: "re_1" },
          { amountCents: 1500, status: "requested", stripeRefundId: null },
        ]),
      ),
    ).toBe(500);
    expect(refundableCents(pay([{ amountCents: 5000, status: "failed", stripeRefundId: "re_1" }]))).toBe(5000);
    expect(refundableCents(pay([{ amountCents: 6000, status: "succeeded", stripeRefundId: "re_1" }]))).toBe(0);
    // Stripe reports 2000 refunded (a dashboard refund Booth has no row for) while Booth's 1000 is not yet sent: 1500 left, not 2500.
    expect(
      refundableCents(
        pay([{ amountCents: 1000, status: "requested", stripeRefundId: null }], {
          amountCents: 4500,
          refundedCents: 2000,
        }),
      ),
    ).toBe(1500);
    // Booth's pending refund Stripe already has is inside Stripe's figure: counted once.
    expect(
      refundableCents(
        pay([{ amountCents: 1000, status: "pending", stripeRefundId: "re_2" }], {
          amountCents: 4500,
          refundedCents: 1000,
        }),
      ),
    ).toBe(3500);
    // A mismatched payment refunds at most what was captured.
    expect(refundableCents(pay([], { amountCents: 4500, capturedCents: 3000 }))).toBe(3000);
  });
  it("computes earnings: gross, refunds, fee on what was kept, net", () => {
    expect(earnings({ grossCents: 10000, refundedCents: 2500, feePercent: 20 })).toEqual({
      grossCents: 10000,
      refundedCents: 2500,
      feeCents: 1500,
      netCents: 6000,
    });
  });
});

describe("a paid checkout must match its booking", () => {
  const expected = { purchase: { kind: "booking" as const, id: "b1" }, amountCents: 4500, currency: "EUR" };
  it("accepts an exact match (currency in Stripe's lower case)", () => {
    expect(
      checkoutMismatches(
        { amount_total: 4500, currency: "eur", client_reference_id: "b1", metadata: { bookingId: "b1" } },
        expected,
      ),
    ).toEqual([]);
  });
  it("names every mismatch", () => {
    const problems = checkoutMismatches(
      { amount_total: 100, currency: "usd", client_reference_id: "b2", metadata: {} },
      expected,
    );
    expect(problems).toHaveLength(3);
    expect(problems.join(" ")).toMatch(/amount 100/);
  });
});
