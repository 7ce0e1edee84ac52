import "server-only";
import type Stripe from "stripe";
import { appendTrace, readTrace } from "@/lib/trace/service";
import type { HandlerContext } from "./handlers/context";
import { transitionPayment } from "./ledger";
import { refundStatus } from "./payment-state";
import type { Tx } from "./purchase";
import { refundCeiling } from "./refund-math";
import { awaitPaymentRecorded, idOf, resolvePayment } from "./resolve";

type Opened = {
  disputeId: string;
  paymentStatusBefore?: string;
  reviewReasonBefore?: string | null;
  purchaseStatusBefore?: string | null;
};

/** A payment's disputes as its trace tells them: each opened and closed event, by dispute id. */
async function disputeHistory(tx: Tx, traceId: string) {
  const events = await readTrace(traceId, { types: ["dispute.opened", "dispute.closed"] }, tx);
  const opened: Opened[] = [];
  const closed = new Map<string, string>();
  for (const e of events) {
    if (!e.ok) continue;
    if (e.type === "dispute.opened") {
      const p = e.payload;
      opened.push({ ...p, purchaseStatusBefore: p.purchaseStatusBefore ?? p.bookingStatusBefore ?? null });
    } else if (e.type === "dispute.closed") closed.set(e.payload.disputeId, e.payload.status);
  }
  return { opened, closed, isOpen: (id: string) => opened.some((o) => o.disputeId === id) && !closed.has(id) };
}

/** Closed for the platform: won, an inquiry closed without a chargeback, or prevented (refunded instead). */
const closedForPlatform = (status: Stripe.Dispute.Status) =>
  status === "won" || status === "warning_closed" || status === "prevented";

/**
 * charge.dispute.created. Each dispute is tracked by its id, so a repeated event, a second dispute
 * on the same payment, and a dispute whose closing arrived first are all told apart.
 */
export async function openDispute({ tx, event, purchases }: HandlerContext) {
  const dispute = event.data.object as Stripe.Dispute;
  const payment = await resolvePayment(tx, { paymentIntentId: idOf(dispute.payment_intent) });
  if (!payment) return;
  if (!(await awaitPaymentRecorded(tx, payment, `Dispute ${dispute.id}`, event))) return;
  const history = await disputeHistory(tx, payment.traceId);
  if (history.opened.some((o) => o.disputeId === dispute.id)) return; // the same dispute again
  const occurredAt = new Date(event.created * 1000);
  const base = {
    disputeId: dispute.id,
    reason: dispute.reason,
    amountCents: dispute.amount,
    paymentId: payment.id,
    eventId: event.id,
  };
  if (history.closed.has(dispute.id)) {
    await appendTrace(
      {
        traceId: payment.traceId,
        type: "dispute.opened",
        source: "stripe",
        occurredAt,
        payload: { ...base, explanation: "Its closing was processed first; nothing changes." },
      },
      tx,
    );
    return;
  }
  const purchaseStatusBefore = await purchases.of(payment.purchase.kind).disputeOpened(tx, payment.purchase.id);
  await transitionPayment(tx, payment, "disputed", { reviewReason: `dispute ${dispute.id}: ${dispute.reason}` });
  await appendTrace(
    {
      traceId: payment.traceId,
      type: "dispute.opened",
      source: "stripe",
      occurredAt,
      payload: {
        ...base,
        paymentStatusBefore: payment.status,
        reviewReasonBefore: payment.reviewReason,
        purchaseStatusBefore,
      },
    },
    tx,
  );
}

/**
 * charge.dispute.closed. Won (or closed without a chargeback) and no other dispute still open: the
 * payment and its purchase return to the states they had before the first dispute, and the money counts
 * in earnings again. Lost: the payment is disputed (out of earnings) and the trace says the bank took it.
 */
export async function closeDispute({ tx, event, purchases }: HandlerContext) {
  const dispute = event.data.object as Stripe.Dispute;
  const payment = await resolvePayment(tx, { paymentIntentId: idOf(dispute.payment_intent) });
  if (!payment) return;
  if (!(await awaitPaymentRecorded(tx, payment, `Closing of dispute ${dispute.id}`, event))) return;
  const history = await disputeHistory(tx, payment.traceId);
  if (history.closed.has(dispute.id)) return; // the same closing again
  const won = closedForPlatform(dispute.status);
  await appendTrace(
    {
      traceId: payment.traceId,
      type: "dispute.closed",
      source: "stripe",
      occurredAt: new Date(event.created * 1000),
      payload: {
        disputeId: dispute.id,
        status: dispute.status,
        amountCents: dispute.amount,
        paymentId: payment.id,
        eventId: event.id,
        explanation: won
          ? "The dispute was closed for the platform; the payment counts again once no other dispute is open."
          : "The dispute was lost: the bank returned the money to the viewer, so this payment is out of earnings.",
      },
    },
    tx,
  );
  history.closed.set(dispute.id, dispute.status);
  const stillOpen = history.opened.some((o) => history.isOpen(o.disputeId));
  const kind = purchases.of(payment.purchase.kind);

  if (!won) {
    await transitionPayment(tx, payment, "disputed", {
      reviewReason: `dispute ${dispute.id} ${dispute.status}: ${dispute.reason}`,
    });
    await kind.disputeClosed(tx, payment.purchase.id, { won: false, statusBefore: null });
    return;
  }
  const lost = [...history.closed.values()].includes("lost");
  if (stillOpen || lost || payment.status !== "disputed") return;
  // The states before the first dispute of this run (later ones saw "disputed" as their before).
  const before = history.opened.findLast((o) => o.paymentStatusBefore && o.paymentStatusBefore !== "disputed");
  const status =
    before?.paymentStatusBefore === "needs_review"
      ? "needs_review"
      : refundStatus(payment.refundedCents, refundCeiling(payment));
  // Put back the reason the dispute replaced, but keep one raised during the dispute (a failed refund).
  const reviewReason = payment.reviewReason?.startsWith("dispute ")
    ? (before?.reviewReasonBefore ?? null)
    : payment.reviewReason;
  await transitionPayment(tx, payment, status, { reviewReason });
  await kind.disputeClosed(tx, payment.purchase.id, { won: true, statusBefore: before?.purchaseStatusBefore ?? null });
}
