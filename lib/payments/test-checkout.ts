import "server-only";
import crypto from "node:crypto";
import type Stripe from "stripe";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { checkoutMetadata } from "./gateway";
import { type Purchases, purchaseOf } from "./purchase";
import { stripeConfigured } from "./stripe";
import { sendTestEvent } from "./test-events";

/**
 * Booth's test checkout page (when STRIPE_SECRET_KEY is unset: development and the test suite). It never
 * marks anything paid itself: "Pay (test mode)" posts the signed checkout.session.completed Stripe would
 * send to /api/stripe/webhook over HTTP, and "Cancel" posts checkout.session.expired.
 */
const short = (key: string) => crypto.createHash("sha256").update(key).digest("hex").slice(0, 24);

export function testCheckoutEnabled() {
  return !stripeConfigured() && (env.NODE_ENV !== "production" || env.BOOTH_TEST_CHECKOUT === "1");
}

async function loadOwnCheckout(userId: string, sessionId: string) {
  if (!testCheckoutEnabled())
    throw new AppError("not_found", "The test checkout is off: this Booth takes real payments.");
  const payment = await db.payment.findUnique({
    where: { stripeCheckoutSessionId: sessionId },
    select: {
      id: true,
      kind: true,
      bookingId: true,
      ticketId: true,
      tipId: true,
      traceId: true,
      payerId: true,
      payer: { select: { brandId: true } },
      amountCents: true,
      currency: true,
      status: true,
      checkoutExpiresAt: true,
      stripePaymentIntentId: true,
      returnPath: true,
    },
  });
  // Somebody else's checkout looks exactly like a missing one.
  if (!payment || payment.payerId !== userId) throw new AppError("not_found", "No such checkout.");
  const purchase = purchaseOf(payment);
  return { ...payment, purchase, returnPath: payment.returnPath ?? `/${purchase.kind}s/${purchase.id}` };
}

/** What the test checkout page shows: the payment and the purchase's own summary. */
export async function getTestCheckout(purchases: Purchases, userId: string, sessionId: string) {
  const p = await loadOwnCheckout(userId, sessionId);
  const summary = await purchases.of(p.purchase.kind).summary(db, p.purchase.id);
  const open = p.status === "pending" && (!p.checkoutExpiresAt || p.checkoutExpiresAt > new Date());
  return { ...p, summary, open };
}

function sessionObject(
  sessionId: string,
  p: Awaited<ReturnType<typeof loadOwnCheckout>>,
  status: "complete" | "expired",
): Partial<Stripe.Checkout.Session> & Record<string, unknown> {
  return {
    id: sessionId,
    object: "checkout.session",
    mode: "payment",
    status,
    payment_status: status === "complete" ? "paid" : "unpaid",
    amount_total: p.amountCents,
    currency: p.currency.toLowerCase(),
    client_reference_id: p.purchase.id,
    metadata: checkoutMetadata({
      purchase: p.purchase,
      traceId: p.traceId,
      paymentId: p.id,
      brand: { id: p.payer.brandId },
    }),
    payment_intent: status === "complete" ? (p.stripePaymentIntentId ?? `pi_test_booth_${short(sessionId)}`) : null,
    expires_at: Math.floor((p.checkoutExpiresAt ?? new Date()).getTime() / 1000),
  };
}

/** "Pay (test mode)": Stripe's checkout.session.completed (paid), over HTTP to the webhook. Returns where to go back. */
export async function payTestCheckout(userId: string, sessionId: string) {
  const p = await loadOwnCheckout(userId, sessionId);
  if (p.status === "pending" && p.checkoutExpiresAt && p.checkoutExpiresAt <= new Date()) {
    throw new AppError("conflict", "This checkout has expired: your hold ran out. Start again to buy it.");
  }
  if (p.status === "pending")
    await sendTestEvent("checkout.session.completed", sessionObject(sessionId, p, "complete"));
  return p.returnPath;
}

/** "Cancel": Stripe's checkout.session.expired over HTTP, which releases the hold at once. Returns where to go back. */
export async function cancelTestCheckout(userId: string, sessionId: string) {
  const p = await loadOwnCheckout(userId, sessionId);
  if (p.status === "pending") await sendTestEvent("checkout.session.expired", sessionObject(sessionId, p, "expired"));
  return p.returnPath;
}
