import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { formatMoney } from "@/lib/money";
import { refundableCents } from "@/lib/bookings/policy";
import { enqueueBookingEmails } from "@/lib/bookings/emails";
import { appendTrace } from "@/lib/trace/service";
import { AfterCommit } from "./after-commit";
import { paymentGateway } from "./gateway";
import { lockPayment, syncRefundedAmount, type Tx } from "./ledger";

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
  if (existing) return existing;
  if (!refundableStatuses.has(payment.status) || !payment.stripePaymentIntentId) {
    throw new AppError("conflict", "Only a payment that went through can be refunded.");
  }
  if (!Number.isInteger(input.amountCents) || input.amountCents <= 0) throw new AppError("invalid", "The refund must be a positive amount.");
  const refunds = await tx.refund.findMany({ where: { paymentId: payment.id }, select: { amountCents: true, status: true } });
  const left = refundableCents(payment.amountCents, refunds);
  if (input.amountCents > left) {
    throw new AppError("conflict", `At most ${formatMoney(left, payment.currency)} of this payment can still be refunded (paid ${formatMoney(payment.amountCents, payment.currency)}).`);
  }
  const refund = await tx.refund.create({
    data: { paymentId: payment.id, amountCents: input.amountCents, reason: input.reason, idempotencyKey: input.idempotencyKey, requestedById: input.requestedById ?? null },
  });
  await appendTrace(
    {
      traceId: payment.traceId, type: "refund.requested", source: "app", actorId: input.requestedById ?? null,
      payload: { refundId: refund.id, paymentId: payment.id, amountCents: input.amountCents, currency: payment.currency, reason: input.reason, ...(input.explanation ? { explanation: input.explanation } : {}) },
    },
    tx,
  );
  after.refund(refund.id);
  return refund;
}

/**
 * Applies what Stripe said about a refund (API answer or refund.updated), exactly once per change:
 * a refund turns succeeded (or failed) at most once, and only that turn writes the trace and the mail.
 */
export async function applyRefundResult(tx: Tx, refundId: string, stripeRefundId: string, status: "succeeded" | "pending" | "failed", after: AfterCommit, source: "app" | "stripe") {
  const refund = await tx.refund.findUniqueOrThrow({ where: { id: refundId }, include: { payment: { select: { traceId: true, bookingId: true, currency: true } } } });
  if (!refund.stripeRefundId) await tx.refund.update({ where: { id: refundId }, data: { stripeRefundId } });
  if (status === "succeeded") {
    const turned = await tx.refund.updateMany({ where: { id: refundId, status: { not: "succeeded" } }, data: { status: "succeeded" } });
    if (turned.count === 0) return;
    await syncRefundedAmount(tx, refund.paymentId);
    await appendTrace({ traceId: refund.payment.traceId, type: "refund.issued", source, payload: { refundId, stripeRefundId, amountCents: refund.amountCents, currency: refund.payment.currency, reason: refund.reason } }, tx);
    if (refund.payment.bookingId) {
      await enqueueBookingEmails(tx, refund.payment.bookingId, { kind: "refunded", refundId, amountCents: refund.amountCents });
      after.mail = true;
    }
  } else if (status === "failed") {
    const turned = await tx.refund.updateMany({ where: { id: refundId, status: "requested" }, data: { status: "failed" } });
    if (turned.count === 1) await appendTrace({ traceId: refund.payment.traceId, type: "refund.failed", source, payload: { refundId, stripeRefundId, reason: refund.reason } }, tx);
  }
}

/** Sends a recorded refund to Stripe (idempotently) and records the answer. Safe to call repeatedly. */
export async function executeRefund(refundId: string) {
  const refund = await db.refund.findUnique({ where: { id: refundId }, include: { payment: true } });
  if (!refund || refund.status !== "requested" || !refund.payment.stripePaymentIntentId) return;
  const result = await paymentGateway().createRefund({
    refundId: refund.id, paymentId: refund.paymentId, traceId: refund.payment.traceId,
    paymentIntentId: refund.payment.stripePaymentIntentId, amountCents: refund.amountCents, idempotencyKey: refund.idempotencyKey,
  });
  const after = new AfterCommit();
  await db.$transaction((tx) => applyRefundResult(tx, refund.id, result.id, result.status, after, "app"));
  await after.run();
}

/** Refunds recorded but not yet confirmed by Stripe (a crash, a timeout): asks again, same idempotency key. */
export async function retryPendingRefunds(olderThanMs = 60_000) {
  const due = await db.refund.findMany({ where: { status: "requested", createdAt: { lt: new Date(Date.now() - olderThanMs) } }, select: { id: true }, take: 50, orderBy: { createdAt: "asc" } });
  for (const r of due) await executeRefund(r.id).catch((err) => log.error({ err, refundId: r.id }, "refund retry failed"));
  return due.length;
}

/** A refund requested by a person (admin or cancellation) for a booking's paid payment. */
export async function refundBookingPayment(input: { bookingId: string; amountCents?: number; reason: string; requestedById: string; idempotencyKey: string }) {
  const after = new AfterCommit();
  const refund = await db.$transaction(async (tx) => {
    const payment = await tx.payment.findFirst({ where: { bookingId: input.bookingId, status: { in: ["paid", "partially_refunded", "disputed", "needs_review"] } }, orderBy: { paidAt: "asc" } });
    if (!payment) throw new AppError("conflict", "This booking has no payment that can be refunded.");
    const refunds = await tx.refund.findMany({ where: { paymentId: payment.id }, select: { amountCents: true, status: true } });
    const amount = input.amountCents ?? refundableCents(payment.amountCents, refunds);
    return createRefundInTx(tx, { paymentId: payment.id, amountCents: amount, reason: input.reason, idempotencyKey: input.idempotencyKey, requestedById: input.requestedById }, after);
  });
  await after.run();
  return db.refund.findUniqueOrThrow({ where: { id: refund.id } });
}
