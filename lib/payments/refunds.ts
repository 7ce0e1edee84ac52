import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { formatMoney } from "@/lib/money";
import { refundableCents } from "@/lib/bookings/policy";
import { enqueueBookingEmails } from "@/lib/bookings/emails";
import { appendTrace } from "@/lib/trace/service";
import { AfterCommit } from "./after-commit";
import { paymentGateway, RefundRejected, type RefundCreated } from "./gateway";
import {
  lockBookingThenPayment,
  lockPayment,
  refundCeiling,
  releaseRefundedAmount,
  syncRefundedAmount,
  type Tx,
} from "./ledger";

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

const refundableStatuses = new Set(["paid", "partially_refunded", "refunded", "disputed", "needs_review"]);

/**
 * Records a refund to be issued, inside the caller's transaction, after checking under a row lock
 * that the payment can bear it. The Stripe call happens after commit (AfterCommit).
 */
export async function createRefundInTx(tx: Tx, input: RefundInput, after: AfterCommit) {
  const payment = await lockPayment(tx, { id: input.paymentId });
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
  if (!refundableStatuses.has(payment.status) || !payment.stripePaymentIntentId) {
    throw new AppError("conflict", "Only a payment that went through can be refunded.");
  }
  if (!Number.isInteger(input.amountCents) || input.amountCents <= 0)
    throw new AppError("invalid", "The refund must be a positive amount.");
  const refunds = await tx.refund.findMany({
    where: { paymentId: payment.id },
    select: { amountCents: true, status: true, stripeRefundId: true },
  });
  const ceiling = refundCeiling(payment);
  const left = refundableCents({ ...payment, refunds });
  if (input.amountCents > left) {
    throw new AppError(
      "conflict",
      `At most ${formatMoney(left, payment.currency)} of this payment can still be refunded (paid ${formatMoney(ceiling, payment.currency)}).`,
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
  after.refund(refund.id);
  return refund;
}

/**
 * Applies what Stripe said about a refund (API answer or refund.* event), exactly once per change:
 * requested → pending → succeeded | failed. Only the turn into succeeded or failed writes the trace
 * and the mail, so repeated and reordered events change nothing twice.
 */
export async function applyRefundResult(
  tx: Tx,
  refundId: string,
  stripeRefundId: string,
  status: RefundCreated["status"],
  after: AfterCommit,
  source: "app" | "stripe",
  detail?: string,
) {
  const row = await tx.refund.findUniqueOrThrow({ where: { id: refundId }, select: { paymentId: true } });
  await lockBookingThenPayment(tx, { id: row.paymentId }); // the order every path locks in
  const refund = await tx.refund.findUniqueOrThrow({
    where: { id: refundId },
    include: { payment: { select: { traceId: true, bookingId: true, currency: true } } },
  });
  if (!refund.stripeRefundId && stripeRefundId)
    await tx.refund.update({ where: { id: refundId }, data: { stripeRefundId } });
  const trace = { traceId: refund.payment.traceId, source } as const;
  if (status === "pending") {
    await tx.refund.updateMany({ where: { id: refundId, status: "requested" }, data: { status: "pending" } });
  } else if (status === "succeeded") {
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
    if (p.reviewReason?.startsWith(REFUND_FAILED)) {
      const lastFailed = p.refunds
        .filter((r) => r.status === "failed")
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
      const madeUp =
        !lastFailed || (refund.createdAt > lastFailed.createdAt && refund.amountCents >= lastFailed.amountCents);
      if (madeUp || refundableCents(p) === 0)
        await tx.payment.update({ where: { id: p.id }, data: { reviewReason: null } });
    }
    await appendTrace(
      {
        ...trace,
        type: "refund.issued",
        payload: {
          refundId,
          stripeRefundId,
          amountCents: refund.amountCents,
          currency: refund.payment.currency,
          reason: refund.reason,
        },
      },
      tx,
    );
    if (refund.payment.bookingId) {
      await enqueueBookingEmails(tx, refund.payment.bookingId, {
        kind: "refunded",
        refundId,
        amountCents: refund.amountCents,
      });
      after.mail = true;
    }
  } else {
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
        reviewReason: `${REFUND_FAILED} ${formatMoney(refund.amountCents, refund.payment.currency)} (${refund.reason})${detail ? `: ${detail.slice(0, 120)}` : ""}`,
      },
    });
    log.warn({ refundId, paymentId: refund.paymentId, wasSucceeded }, "refund failed; payment flagged for review");
  }
}

/**
 * Moves one refund forward with the payment provider. A refund Booth recorded but never got an
 * answer for is sent (again, same idempotency key); one the provider already has (stripeRefundId set)
 * is never sent again, only looked up. A refusal for good marks it failed on the trace.
 */
export async function executeRefund(refundId: string) {
  const refund = await db.refund.findUnique({ where: { id: refundId }, include: { payment: true } });
  if (!refund?.payment.stripePaymentIntentId) return;
  const gateway = paymentGateway();
  let result: RefundCreated;
  if (refund.stripeRefundId) {
    if (refund.status !== "requested" && refund.status !== "pending") return;
    result = await gateway.getRefund(refund.stripeRefundId);
  } else {
    if (refund.status !== "requested") return;
    try {
      result = await gateway.createRefund({
        refundId: refund.id,
        paymentId: refund.paymentId,
        traceId: refund.payment.traceId,
        paymentIntentId: refund.payment.stripePaymentIntentId,
        amountCents: refund.amountCents,
        idempotencyKey: refund.idempotencyKey,
      });
    } catch (err) {
      if (!(err instanceof RefundRejected)) throw err;
      log.warn({ refundId, code: err.code }, "refund refused by the payment provider; marked failed");
      const after = new AfterCommit();
      await db.$transaction((tx) =>
        applyRefundResult(tx, refund.id, "", "failed", after, "app", `${err.code ?? "refused"}: ${err.message}`),
      );
      return;
    }
  }
  const after = new AfterCommit();
  await db.$transaction((tx) => applyRefundResult(tx, refund.id, result.id, result.status, after, "app"));
  await after.run();
}

/**
 * Refunds not yet final: `requested` ones (a crash or timeout before Stripe answered) are sent again
 * with the same key; `pending` ones Stripe already has are looked up, never re-sent.
 */
export async function retryPendingRefunds(
  opts: { olderThanMs?: number; pendingOlderThanMs?: number; paymentIds?: string[] } = {},
) {
  const { olderThanMs = 60_000, pendingOlderThanMs = 60 * 60_000 } = opts;
  const now = Date.now();
  const scope = opts.paymentIds ? { paymentId: { in: opts.paymentIds } } : {};
  const due = await db.refund.findMany({
    where: {
      ...scope,
      OR: [
        // Stripe keeps idempotency keys for 24 hours: past that, sending again could refund twice.
        {
          status: "requested",
          updatedAt: { lt: new Date(now - olderThanMs) },
          createdAt: { gt: new Date(now - IDEMPOTENCY_WINDOW_MS) },
        },
        { status: "requested", stripeRefundId: { not: null }, updatedAt: { lt: new Date(now - olderThanMs) } },
        { status: "pending", updatedAt: { lt: new Date(now - pendingOlderThanMs) } },
      ],
    },
    select: { id: true },
    take: 50,
    orderBy: { updatedAt: "asc" },
  });
  for (const r of due) {
    await executeRefund(r.id).catch((err) => log.error({ err, refundId: r.id }, "refund retry failed"));
    await db.refund.updateMany({
      where: { id: r.id, status: { in: ["requested", "pending"] } },
      data: { updatedAt: new Date() },
    });
  }
  await reconcileUnansweredRefunds(scope, now);
  return due.length;
}

/** Resending with the same idempotency key is safe for this long (Stripe keeps keys 24 hours). */
export const IDEMPOTENCY_WINDOW_MS = 23 * 60 * 60_000;

/**
 * A refund Booth recorded but never got Stripe's answer for within the idempotency window is not sent
 * again (a new request could refund twice). Stripe is asked whether it has it (by Booth's refund id in
 * its metadata): if so it joins the ledger; if not, nothing was refunded, so it is marked failed, which
 * frees its amount and puts the payment on the review list to refund again.
 */
async function reconcileUnansweredRefunds(scope: { paymentId?: { in: string[] } }, now: number) {
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
      const after = new AfterCommit();
      await db.$transaction((tx) =>
        found
          ? applyRefundResult(tx, r.id, found.id, found.status, after, "app")
          : applyRefundResult(
              tx,
              r.id,
              "",
              "failed",
              after,
              "app",
              "Stripe has no record of this refund a day after it was asked for: nothing was refunded.",
            ),
      );
      await after.run();
    } catch (err) {
      log.error({ err, refundId: r.id }, "unanswered refund could not be reconciled; next sweep tries again");
    }
  }
}

/** A refund requested by a person (admin or cancellation) for a booking's paid payment. */
export async function refundBookingPayment(input: {
  bookingId: string;
  amountCents?: number;
  reason: string;
  requestedById: string;
  idempotencyKey: string;
}) {
  const after = new AfterCommit();
  const refund = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM bookings WHERE id = ${input.bookingId} FOR UPDATE`; // booking before payment, as every path locks them
    // A repeated "refund all that is left" with the same key is the same request, not a new one.
    const repeated =
      input.amountCents === undefined
        ? await tx.refund.findUnique({ where: { idempotencyKey: input.idempotencyKey } })
        : null;
    if (repeated) return repeated;
    const payment = await tx.payment.findFirst({
      where: { bookingId: input.bookingId, status: { in: ["paid", "partially_refunded", "disputed", "needs_review"] } },
      orderBy: { paidAt: "asc" },
    });
    if (!payment) throw new AppError("conflict", "This booking has no payment that can be refunded.");
    const refunds = await tx.refund.findMany({
      where: { paymentId: payment.id },
      select: { amountCents: true, status: true, stripeRefundId: true },
    });
    const amount = input.amountCents ?? refundableCents({ ...payment, refunds });
    return createRefundInTx(
      tx,
      {
        paymentId: payment.id,
        amountCents: amount,
        reason: input.reason,
        idempotencyKey: input.idempotencyKey,
        requestedById: input.requestedById,
      },
      after,
    );
  });
  await after.run();
  return db.refund.findUniqueOrThrow({ where: { id: refund.id } });
}
