import "server-only";
import { assertEmailVerified } from "@/lib/auth/verification";
import { brandFrom } from "@/lib/branding/queries";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { takeBudget, waitWords } from "@/lib/rate-limit";
import { appendTrace } from "@/lib/trace/service";
import { paymentGateway } from "./gateway";
import { lockPurchaseThenPayment, transitionPayment } from "./ledger";
import { type PurchaseKind, type PurchaseRef, purchaseColumn, type Tx } from "./purchase";

const log = logger.child({ module: "checkout" });

/**
 * Holding costs something: one buyer may have at most HOLDS_MAX_UNPAID unpaid holds at once, across all
 * creators and kinds (a hold lasts BOOKING_HOLD_MINUTES), so no single account can block a calendar or a
 * show. Serialised per buyer (an advisory lock for the rest of the transaction), so parallel clicks cannot
 * slip past it. Refused with 429 and when the oldest hold lapses.
 */
async function limitUnpaidHolds(tx: Tx, payerId: string, now = new Date()) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`holds:${payerId}`}))`;
  const holdMs = env.BOOKING_HOLD_MINUTES * 60_000;
  const live = await tx.payment.findMany({
    where: {
      payerId,
      kind: { in: ["booking", "ticket"] },
      status: "pending",
      createdAt: { gt: new Date(now.getTime() - holdMs) },
    },
    orderBy: { createdAt: "asc" },
    select: { createdAt: true },
  });
  if (live.length < env.HOLDS_MAX_UNPAID) return;
  const seconds = Math.max(1, Math.ceil((live[0]!.createdAt.getTime() + holdMs - now.getTime()) / 1000));
  throw new AppError(
    "rate_limited",
    `You already hold ${live.length} unpaid ${live.length === 1 ? "time or seat" : "times or seats"}. Pay for one or cancel it before you hold another, or try again in ${waitWords(seconds)} when the oldest hold runs out.`,
  ).withDetails({ retryAfterSeconds: seconds, reason: "holds" });
}

/**
 * The payment row of a new purchase, written in the transaction that creates (and holds) the purchase,
 * by a buyer whose email address is confirmed, within their budgets (checkouts per hour, unpaid holds at once).
 */
export async function createPendingPayment(
  tx: Tx,
  p: {
    purchase: PurchaseRef;
    traceId: string;
    payerId: string;
    amountCents: number;
    currency: string;
    returnPath: string;
  },
) {
  await assertEmailVerified(tx, p.payerId);
  await takeBudget("checkout", p.payerId);
  // A tip holds nothing anyone else could want: only bookings and tickets count as holds.
  if (p.purchase.kind !== "tip") await limitUnpaidHolds(tx, p.payerId);
  return tx.payment.create({
    data: {
      traceId: p.traceId,
      kind: p.purchase.kind,
      [purchaseColumn[p.purchase.kind]]: p.purchase.id,
      payerId: p.payerId,
      amountCents: p.amountCents,
      currency: p.currency,
      returnPath: p.returnPath,
    },
  });
}

/**
 * Opens the checkout for a purchase whose pending payment was just written (after that commit: the
 * provider is called outside any transaction). Stripe gets the purchase, trace and payment ids in its
 * metadata and `checkout:<paymentId>` as the idempotency key. If the checkout cannot be opened, the
 * payment fails, the purchase lets go of its hold, and the buyer is told nothing was charged.
 */
export async function openCheckout(
  kind: PurchaseKind,
  req: {
    paymentId: string;
    purchase: PurchaseRef;
    traceId: string;
    actorId: string;
    /** The buyer's brand (Actor.brandId), which the purchase was checked to belong to. */
    brandId: string;
    customerEmail: string;
    title: string;
    description: string;
    amountCents: number;
    currency: string;
    expiresAt: Date;
    returnPath: string;
  },
): Promise<{ checkoutUrl: string }> {
  const gateway = paymentGateway();
  try {
    // The buyer's brand (their account's): its name on the product, its address to come back to.
    const brand = await brandFrom(db, req.brandId);
    const back = new URL(req.returnPath, brand.url);
    const checkout = await gateway.createCheckout({
      paymentId: req.paymentId,
      purchase: req.purchase,
      traceId: req.traceId,
      title: req.title,
      description: req.description,
      amountCents: req.amountCents,
      currency: req.currency,
      customerEmail: req.customerEmail,
      expiresAt: req.expiresAt,
      successUrl: `${back.href}?checkout=success`,
      cancelUrl: `${back.href}?checkout=cancelled`,
      idempotencyKey: `checkout:${req.paymentId}`,
      brand: {
        id: brand.id,
        name: brand.name,
        statementDescriptorSuffix: brand.statementDescriptorSuffix,
        supportEmail: brand.supportEmail,
      },
    });
    await db.$transaction(async (tx) => {
      await tx.payment.update({
        where: { id: req.paymentId },
        data: {
          stripeCheckoutSessionId: checkout.id,
          checkoutUrl: checkout.url,
          checkoutExpiresAt: checkout.expiresAt,
        },
      });
      await appendTrace(
        {
          traceId: req.traceId,
          type: "checkout.created",
          source: "app",
          actorId: req.actorId,
          payload: {
            paymentId: req.paymentId,
            checkoutSessionId: checkout.id,
            mode: gateway.mode,
            brandId: brand.id,
            expiresAt: checkout.expiresAt.toISOString(),
          },
        },
        tx,
      );
    });
    return { checkoutUrl: checkout.url };
  } catch (err) {
    log.error(
      { err, purchase: req.purchase, paymentId: req.paymentId },
      "checkout could not be created; hold released",
    );
    await db.$transaction(async (tx) => {
      const payment = await lockPurchaseThenPayment(tx, { id: req.paymentId });
      if (payment?.status === "pending") await transitionPayment(tx, payment, "failed");
      await appendTrace(
        {
          traceId: req.traceId,
          type: "checkout.failed",
          source: "app",
          payload: { paymentId: req.paymentId, error: err instanceof Error ? err.message.slice(0, 300) : "unknown" },
        },
        tx,
      );
      await kind.checkoutEnded(tx, req.purchase.id, req.traceId, new Date(), "checkout_failed");
    });
    throw new AppError(
      "unavailable",
      "Payments are unavailable right now, so nothing was charged and the hold is released. Please try again in a minute.",
    );
  }
}

/** A buyer's pending checkout for a purchase, still open: a second click goes back to it. */
export function findOpenCheckout(tx: Pick<Tx, "payment">, purchase: PurchaseRef, now = new Date()) {
  return tx.payment.findFirst({
    where: {
      kind: purchase.kind,
      [purchaseColumn[purchase.kind]]: purchase.id,
      status: "pending",
      checkoutUrl: { not: null },
      OR: [{ checkoutExpiresAt: null }, { checkoutExpiresAt: { gt: now } }],
    },
    orderBy: { createdAt: "desc" },
    select: { id: true, checkoutUrl: true },
  });
}
