/**
 * Reconciliation's comparison, as pure logic: Booth's ledger (settled payments and sent refunds) against
 * what Stripe says about the same objects, and Stripe's succeeded payments against Booth. No I/O: the
 * service (./reconciliation.ts) reads both sides and records the findings.
 */
import { z } from "zod";
import { formatMoney } from "@/lib/money";

export type FindingKind =
  | "paid_in_stripe_not_in_booth"
  | "booth_paid_not_in_stripe"
  | "amount_differs"
  | "refund_missing_in_stripe"
  | "refund_differs";

export type Finding = {
  kind: FindingKind;
  paymentId: string | null;
  refundId: string | null;
  stripeId: string;
  message: string;
};

/** A payment Booth counts as settled (money in), with the payment intent it names. */
export type BoothPayment = {
  id: string;
  status: string;
  stripePaymentIntentId: string;
  amountCents: number;
  capturedCents: number | null;
  currency: string;
};
/** A refund Booth sent to Stripe (Stripe acknowledged it: it has an id). */
export type BoothRefund = {
  id: string;
  paymentId: string;
  stripeRefundId: string;
  amountCents: number;
  currency: string;
  status: string;
};
/** What Stripe answered for one payment intent (null: Stripe has no such object). */
export type StripeIntent = {
  id: string;
  status: string;
  amount: number;
  amountReceived: number | null;
  currency: string;
  /** Booth's payment id, from the metadata Booth's checkout puts on it, when present. */
  paymentId: string | null;
};
export type StripeRefund = { id: string; status: string | null; amount: number; currency: string };

/** Booth statuses in which the money was taken (whatever happened to it after). */
export const SETTLED_PAYMENT = new Set(["paid", "refunded", "partially_refunded", "disputed", "needs_review"]);

const money = (cents: number, currency: string) => formatMoney(cents, currency.toUpperCase());

/** Booth's settled payments, each against Stripe's payment intent of the same id (missing: null). */
export function comparePayments(pairs: { booth: BoothPayment; stripe: StripeIntent | null }[]): Finding[] {
  const out: Finding[] = [];
  for (const { booth, stripe } of pairs) {
    const base = { paymentId: booth.id, refundId: null, stripeId: booth.stripePaymentIntentId };
    const expected = booth.capturedCents ?? booth.amountCents;
    if (!stripe) {
      out.push({
        ...base,
        kind: "booth_paid_not_in_stripe",
        message: `Booth has ${money(expected, booth.currency)} as ${booth.status}; Stripe has no such payment`,
      });
    } else if (stripe.status !== "succeeded") {
      out.push({
        ...base,
        kind: "booth_paid_not_in_stripe",
        message: `Booth has ${money(expected, booth.currency)} as ${booth.status}; Stripe says ${stripe.status}`,
      });
    } else {
      const received = stripe.amountReceived ?? stripe.amount;
      if (received !== expected || stripe.currency.toLowerCase() !== booth.currency.toLowerCase())
        out.push({
          ...base,
          kind: "amount_differs",
          message: `Booth has ${money(expected, booth.currency)}; Stripe received ${money(received, stripe.currency)}`,
        });
    }
  }
  return out;
}

/**
 * Stripe's succeeded payment intents, each with the Booth payment that names it (by intent id, else by the
 * metadata's payment id; null: none): paid in Stripe but not settled in Booth.
 */
export function compareStripeIntents(pairs: { stripe: StripeIntent; booth: { id: string; status: string } | null }[]) {
  const out: Finding[] = [];
  for (const { stripe, booth } of pairs) {
    if (stripe.status !== "succeeded") continue;
    if (booth && SETTLED_PAYMENT.has(booth.status)) continue;
    out.push({
      kind: "paid_in_stripe_not_in_booth",
      paymentId: booth?.id ?? null,
      refundId: null,
      stripeId: stripe.id,
      message: booth
        ? `Stripe received ${money(stripe.amountReceived ?? stripe.amount, stripe.currency)}; Booth has the payment as ${booth.status}`
        : `Stripe received ${money(stripe.amountReceived ?? stripe.amount, stripe.currency)}; Booth has no payment for it`,
    });
  }
  return out;
}

/** Refunds Booth sent, each against Stripe's refund of the same id (missing: null). */
export function compareRefunds(pairs: { booth: BoothRefund; stripe: StripeRefund | null }[]): Finding[] {
  const out: Finding[] = [];
  for (const { booth, stripe } of pairs) {
    const base = { paymentId: booth.paymentId, refundId: booth.id, stripeId: booth.stripeRefundId };
    if (!stripe) {
      out.push({
        ...base,
        kind: "refund_missing_in_stripe",
        message: `Booth refunded ${money(booth.amountCents, booth.currency)} (${booth.status}); Stripe has no such refund`,
      });
      continue;
    }
    const failedThere = stripe.status === "failed" || stripe.status === "canceled";
    if (
      stripe.amount !== booth.amountCents ||
      stripe.currency.toLowerCase() !== booth.currency.toLowerCase() ||
      (booth.status === "succeeded" && failedThere)
    )
      out.push({
        ...base,
        kind: "refund_differs",
        message: `Booth refunded ${money(booth.amountCents, booth.currency)} (${booth.status}); Stripe has ${money(stripe.amount, stripe.currency)} (${stripe.status ?? "no status"})`,
      });
  }
  return out;
}

/** The UTC day key of the nightly run: one per day across every replica (reconciliation_runs.day). */
export const nightlyKey = (now: Date) => `nightly:${now.toISOString().slice(0, 10)}`;

/** The nightly run waits for this UTC hour, after the day's payments have settled at Stripe. */
export const NIGHTLY_HOUR_UTC = 3;

/** Dismissing an open alert from /admin/reconciliation: which one, and the note the audit log keeps. */
export const dismissAlertInput = z.object({
  alertId: z.string().trim().min(1).max(64),
  note: z
    .string()
    .trim()
    .min(3, "Say in a few words why this needs nothing more (the audit log keeps it).")
    .max(500, "Keep the note under 500 characters."),
});
export type DismissAlertInput = z.infer<typeof dismissAlertInput>;
