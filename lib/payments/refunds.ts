import "server-only";
import { z } from "zod";
import { type Actor, inActorsBrand } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { formatMoney } from "@/lib/money";
import { defineEffect, enqueueEffect, nudgeEffects } from "@/lib/ops/outbox";
import { appendTrace } from "@/lib/trace/service";
import { paymentGateway } from "./gateway";
import { RefundRejected, type RefundCreated } from "./gateway-contract";
import {
  findSettledPayment,
  lockPurchase,
  lockPurchaseThenPayment,
  releaseRefundedAmount,
  syncRefundedAmount,
} from "./ledger";
import { HAS_MONEY_LEFT, REFUNDABLE } from "./payment-state";
import type { PurchaseRef, Purchases, Tx } from "./purchase";
import { refundableCents, refundCeiling } from "./refund-math";

const log = logger.child({ module: "refunds" });

export type RefundInput = {
  paymentId: string;
  amountCents: number;
  reason: string;
  /** Same key, same refund: a retried request never refunds twice (sent to Stripe as well). */
  idempotencyKey: string;
  requestedById?: string | null;
  /** Why, in words, for the trace. */
  explanation?: string;
};

/** How a payment's review reason starts when a refund of it failed. */
export const REFUND_FAILED = "refund failed:";

/** The outbox effect that sends a recorded refund to the payment provider (lib/runtime wires its handler). */
export const sendRefund = defineEffect("payments.refund", z.object({ refundId: z.string() }));

/**
 * Records a refund to be issued, inside the caller's transaction, after checking under the purchase's and
 * the payment's locks that the payment can bear it, and writes the outbox effect that sends it to Stripe.
 * The caller nudges the outbox after its commit.
 */
export async function createRefundInTx(tx: Tx, input: RefundInput) {
  const payment = await lockPurchaseThenPayment(tx, { id: input.paymentId });
  if (!payment) throw new AppError("not_found", "No such payment.");
  // Checked under the payment's lock, so two requests with one key cannot both pass.
  const existing = await tx.refund.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
  if (existing) {
    if (existing.paymentId !== payment.id || existing.amountCents !== input.amountCents) {
      throw new AppError(
        "conflict",
        `This refund request was already used for ${formatMoney(existing.amountCents, payment.currency)}. Reload the page to make another refund.`,
      );
    }
    return existing;
  }
  if (!REFUNDABLE.has(payment.status) || !payment.stripePaymentIntentId) {
    throw new AppError("conflict", "Only a payment that went through can be refunded.");
  }
  if (!Number.isInteger(input.amountCents) || input.amountCents <= 0) {
    throw new AppError("invalid", "The refund must be a positive amount.");
  }
  const refunds = await tx.refund.findMany({
    where: { paymentId: payment.id },
    select: { amountCents: true, status: true, stripeRefundId: true },
  });
  const left = refundableCents({ ...payment, refunds });
  if (input.amountCents > left) {
    throw new AppError(
      "conflict",
      `At most ${formatMoney(left, payment.currency)} of this payment can still be refunded (paid ${formatMoney(payment.capturedCents ?? payment.amountCents, payment.currency)}).`,
    );
  }
  const refund = await tx.refund.create({
    data: {
      paymentId: payment.id,
      amountCents: input.amountCents,
      reason: input.reason,
      idempotencyKey: input.idempotencyKey,
      requestedById: input.requestedById ?? null,
    },
  });
  await appendTrace(
    {
      traceId: payment.traceId,
      type: "refund.requested",
      source: "app",
      actorId: input.requestedById ?? null,
      payload: {
        refundId: refund.id,
        paymentId: payment.id,
        amountCents: input.amountCents,
        currency: payment.currency,
        reason: input.reason,
        ...(input.explanation ? { explanation: input.explanation } : {}),
      },
    },
    tx,
  );
  await enqueueEffect(
    tx,
    sendRefund,
    { refundId: refund.id },
    { key: `refund:${refund.id}`, traceId: payment.traceId },
  );
  return refund;
}

/**
 * Applies what Stripe said about a refund (API answer or refund.* event), exactly once per change:
 * requested → pending → succeeded | failed. Only the turn into succeeded or failed writes the trace,
 * tells the purchase (its emails, a seat given back) and flags a failure for a person, so repeated and
 * reordered events change nothing twice.
 */
export async function applyRefundResult(
  tx: Tx,
  purchases: Purchases,
  refundId: string,
  answer: { stripeRefundId: string; status: RefundCreated["status"]; source: "app" | "stripe"; detail?: string },
) {
  const row = await tx.refund.findUniqueOrThrow({ where: { id: refundId }, select: { paymentId: true } });
  const payment = await lockPurchaseThenPayment(tx, { id: row.paymentId }); // the order every path locks in
  if (!payment) return;
  const refund = await tx.refund.findUniqueOrThrow({ where: { id: refundId } });
  const { stripeRefundId, status, source, detail } = answer;
  if (!refund.stripeRefundId && stripeRefundId)
    await tx.refund.update({ where: { id: refundId }, data: { stripeRefundId } });
  const trace = { traceId: payment.traceId, source } as const;
  if (status === "pending") {
    await tx.refund.updateMany({ where: { id: refundId, status: "requested" }, data: { status: "pending" } });
    return;
  }
  if (status === "succeeded") {
    const turned = await tx.refund.updateMany({
      where: { id: refundId, status: { in: ["requested", "pending"] } },
      data: { status: "succeeded" },
    });
    if (turned.count === 0) return;
    await syncRefundedAmount(tx, refund.paymentId);
    // A refund that goes through settles a failed one's review flag only if it makes up for it: nothing
    // is left to refund, or it came after the latest failed refund and is at least as large.
    const p = await tx.payment.findUniqueOrThrow({
      where: { id: refund.paymentId },
      include: { refunds: { select: { amountCents: true, status: true, stripeRefundId: true, createdAt: true } } },
    });
    const left = refundableCents(p);
    if (p.reviewReason?.startsWith(REFUND_FAILED)) {
      const lastFailed = p.refunds
        .filter((r) => r.status === "failed")
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
      const madeUp =
        !lastFailed || (refund.createdAt > lastFailed.createdAt && refund.amountCents >= lastFailed.amountCents);
      if (madeUp || left === 0) await tx.payment.update({ where: { id: p.id }, data: { reviewReason: null } });
    }
    await appendTrace(
      {
        ...trace,
        type: "refund.issued",
        payload: {
          refundId,
          stripeRefundId,
          amountCents: refund.amountCents,
          currency: payment.currency,
          reason: refund.reason,
        },
      },
      tx,
    );
    // What Stripe reported is stored as reported; what the buyer is told never exceeds what was captured.
    const told = Math.min(refund.amountCents, refundCeiling(p));
    await purchases
      .of(payment.purchase.kind)
      .refunded(tx, payment.purchase.id, { id: refundId, amountCents: told, whole: left === 0 });
    return;
  }
  const wasSucceeded = refund.status === "succeeded";
  const turned = await tx.refund.updateMany({
    where: { id: refundId, status: { not: "failed" } },
    data: { status: "failed" },
  });
  if (turned.count === 0) return;
  if (wasSucceeded) await releaseRefundedAmount(tx, refund.paymentId, refund.amountCents);
  const explanation = wasSucceeded
    ? "Stripe reported this refund failed after it had succeeded (the viewer's card could not take it back): the money is with the platform again and can be refunded again."
    : "The refund did not go through; the money stays with the platform until someone refunds it again.";
  await appendTrace(
    {
      ...trace,
      type: "refund.failed",
      payload: {
        refundId,
        stripeRefundId: stripeRefundId || null,
        amountCents: refund.amountCents,
        reason: refund.reason,
        explanation,
        ...(detail ? { detail: detail.slice(0, 300) } : {}),
      },
    },
    tx,
  );
  // Someone must act on money that was meant to go back: the payment shows in the admin review list.
  await tx.payment.update({
    where: { id: refund.paymentId },
    data: {
      reviewReason: `${REFUND_FAILED} ${formatMoney(refund.amountCents, payment.currency)} (${refund.reason})${detail ? `: ${detail.slice(0, 120)}` : ""}`,
    },
  });
  log.warn({ refundId, paymentId: refund.paymentId, wasSucceeded }, "refund failed; payment flagged for review");
}

type RefundAnswer = { stripeRefundId: string; status: RefundCreated["status"]; detail?: string } | null;

/**
 * The outside part of sending a refund (the outbox effect's run): a refund Booth recorded but never got an
 * answer for is sent (again, same idempotency key); one the provider already has (stripeRefundId set) is
 * never sent again, only looked up. A refusal for good is an answer too (failed). Null: nothing to do.
 */
export async function callRefundProvider(refundId: string): Promise<RefundAnswer> {
  const refund = await db.refund.findUnique({ where: { id: refundId }, include: { payment: true } });
  if (!refund?.payment.stripePaymentIntentId) return null;
  const gateway = paymentGateway();
  if (refund.stripeRefundId) {
    if (refund.status !== "requested" && refund.status !== "pending") return null;
    const found = await gateway.getRefund(refund.stripeRefundId);
    return { stripeRefundId: found.id, status: found.status };
  }
  if (refund.status !== "requested") return null;
  // Stripe keeps idempotency keys for 24 hours: past that, sending again could refund twice. The
  // reconciliation (reconcileRefunds) asks Stripe whether it has it instead.
  if (Date.now() - refund.createdAt.getTime() > IDEMPOTENCY_WINDOW_MS) return null;
  try {
    const created = await gateway.createRefund({
      refundId: refund.id,
      paymentId: refund.paymentId,
      traceId: refund.payment.traceId,
      paymentIntentId: refund.payment.stripePaymentIntentId,
      amountCents: refund.amountCents,
      idempotencyKey: refund.idempotencyKey,
    });
    return { stripeRefundId: created.id, status: created.status };
  } catch (err) {
    if (!(err instanceof RefundRejected)) throw err;
    log.warn({ refundId, code: err.code }, "refund refused by the payment provider; marked failed");
    return { stripeRefundId: "", status: "failed", detail: `${err.code ?? "refused"}: ${err.message}` };
  }
}

/** The recording part of sending a refund (the outbox effect's done): what the provider answered. */
export async function recordRefundAnswer(tx: Tx, purchases: Purchases, refundId: string, answer: RefundAnswer) {
  if (answer) await applyRefundResult(tx, purchases, refundId, { ...answer, source: "app" });
}

/** Resending with the same idempotency key is safe for this long (Stripe keeps keys 24 hours). */
export const IDEMPOTENCY_WINDOW_MS = 23 * 60 * 60_000;

/**
 * The refunds pass of the sweep, for refunds not yet final that the outbox does not cover:
 * - `pending` ones Stripe already has (a bank that settles later) are looked up after `pendingOlderThanMs`;
 * - a refund Booth recorded but never got Stripe's answer for within the idempotency window is not sent
 *   again (a new request could refund twice): Stripe is asked whether it has it (by Booth's refund id in
 *   its metadata). If so it joins the ledger; if not, nothing was refunded, so it is marked failed, which
 *   frees its amount and puts the payment on the review list.
 */
export async function reconcileRefunds(
  purchases: Purchases,
  opts: { pendingOlderThanMs?: number; paymentIds?: string[]; now?: number } = {},
) {
  const { pendingOlderThanMs = 60 * 60_000, now = Date.now() } = opts;
  const scope = opts.paymentIds ? { paymentId: { in: opts.paymentIds } } : {};
  const pending = await db.refund.findMany({
    where: {
      ...scope,
      OR: [
        { status: "pending", updatedAt: { lt: new Date(now - pendingOlderThanMs) } },
        { status: "requested", stripeRefundId: { not: null }, updatedAt: { lt: new Date(now - pendingOlderThanMs) } },
      ],
    },
    select: { id: true },
    take: 50,
    orderBy: { updatedAt: "asc" },
  });
  for (const r of pending) {
    try {
      const answer = await callRefundProvider(r.id);
      await db.$transaction((tx) => recordRefundAnswer(tx, purchases, r.id, answer));
    } catch (err) {
      log.warn({ err, refundId: r.id }, "pending refund could not be looked up; next sweep tries again");
    }
    await db.refund.updateMany({
      where: { id: r.id, status: { in: ["requested", "pending"] } },
      data: { updatedAt: new Date() },
    });
  }
  const stale = await db.refund.findMany({
    where: {
      ...scope,
      status: "requested",
      stripeRefundId: null,
      createdAt: { lte: new Date(now - IDEMPOTENCY_WINDOW_MS) },
    },
    select: { id: true, payment: { select: { stripePaymentIntentId: true } } },
    take: 50,
  });
  for (const r of stale) {
    if (!r.payment.stripePaymentIntentId) continue;
    try {
      const found = await paymentGateway().findRefund(r.payment.stripePaymentIntentId, r.id);
      await db.$transaction((tx) =>
        applyRefundResult(
          tx,
          purchases,
          r.id,
          found
            ? { stripeRefundId: found.id, status: found.status, source: "app" }
            : {
                stripeRefundId: "",
                status: "failed",
                source: "app",
                detail: "Stripe has no record of this refund a day after it was asked for: nothing was refunded.",
              },
        ),
      );
    } catch (err) {
      log.error({ err, refundId: r.id }, "unanswered refund could not be reconciled; next sweep tries again");
    }
  }
  return pending.length + stale.length;
}

/**
 * Whether a purchase is in the brand an actor sees (the brand of its creator; a platform admin sees every one).
 */
async function purchaseInActorsBrand(tx: Tx, purchase: PurchaseRef, actor: Pick<Actor, "role" | "brandId">) {
  const creator = { user: inActorsBrand(actor) };
  const found =
    purchase.kind === "booking"
      ? await tx.booking.count({ where: { id: purchase.id, creator } })
      : purchase.kind === "ticket"
        ? await tx.ticket.count({ where: { id: purchase.id, event: { creator } } })
        : await tx.tip.count({ where: { id: purchase.id, creator } });
  return found > 0;
}

/**
 * A refund a person asks for (an admin, a cancellation) of a purchase's payment: `amountCents`, or all that
 * is left. The refund is recorded and its effect written in one transaction; the outbox sends it. `admin`: the
 * admin who asks, who refunds only their brand's purchases (another brand's is missing, a 404).
 */
export async function refundPurchase(input: {
  purchase: PurchaseRef;
  amountCents?: number;
  reason: string;
  requestedById: string;
  idempotencyKey: string;
  admin?: Pick<Actor, "role" | "brandId">;
}) {
  const refund = await db.$transaction(async (tx) => {
    await lockPurchase(tx, input.purchase); // the purchase before its payment, as every path locks them
    if (input.admin && !(await purchaseInActorsBrand(tx, input.purchase, input.admin)))
      throw new AppError("not_found", `No such ${input.purchase.kind}.`);
    // A repeated "refund all that is left" with the same key is the same request, not a new one.
    const repeated =
      input.amountCents === undefined
        ? await tx.refund.findUnique({ where: { idempotencyKey: input.idempotencyKey } })
        : null;
    if (repeated) return repeated;
    const payment = await findSettledPayment(tx, input.purchase, HAS_MONEY_LEFT);
    if (!payment) {
      throw new AppError("conflict", `This ${input.purchase.kind} has no payment that can be refunded.`);
    }
    const amount = input.amountCents ?? refundableCents(payment);
    return createRefundInTx(tx, {
      paymentId: payment.id,
      amountCents: amount,
      reason: input.reason,
      idempotencyKey: input.idempotencyKey,
      requestedById: input.requestedById,
    });
  });
  nudgeEffects();
  return refund;
}
