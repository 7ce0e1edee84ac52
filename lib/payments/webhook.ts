import "server-only";
import Stripe from "stripe";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { nudgeEffects } from "@/lib/ops/outbox";
import { DuplicateEvent, type EventClaim, recordEventOnce } from "@/lib/ops/processed-events";
import { appendTrace } from "@/lib/trace/service";
import { claimsInLock, stripeHandlers } from "./handlers";
import type { Purchases, Tx } from "./purchase";
import { eventShapeProblem } from "./event-shapes";
import { lockPurchaseThenPayment } from "./ledger";
import { liveMode, stripe, webhookSecret } from "./stripe";

const log = logger.child({ module: "stripe-webhook" });

/** Stripe's own default: a signature older than five minutes is refused (replay protection). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type WebhookOutcome = {
  eventId: string;
  type: string;
  result: "processed" | "duplicate" | "ignored" | "flagged";
  problem?: string;
};

/**
 * Verifies, deduplicates and applies one Stripe event. The dedupe row is written in the same
 * transaction as the handler's changes (and the outbox effects they cause): a handler that throws leaves
 * no trace of the event, so Stripe's retry (after our 5xx) runs it again; a delivery that repeats a
 * committed event does nothing.
 */
export async function processStripeWebhook(
  rawBody: string,
  signature: string | null,
  purchases: Purchases,
): Promise<WebhookOutcome> {
  if (!signature) throw new AppError("bad_request", "Missing Stripe-Signature header.");
  const secret = webhookSecret(); // a server without it answers 500 and logs the variable's name
  let event: Stripe.Event;
  try {
    event = stripe().webhooks.constructEvent(rawBody, signature, secret, SIGNATURE_TOLERANCE_SECONDS);
  } catch (err) {
    if (err instanceof Stripe.errors.StripeSignatureVerificationError) {
      throw new AppError("bad_request", `Invalid Stripe signature: ${err.message}`);
    }
    throw new AppError("bad_request", "The body is not a Stripe event.");
  }

  const handler = Object.hasOwn(stripeHandlers, event.type) ? stripeHandlers[event.type] : undefined;
  if (!handler) {
    log.info({ eventId: event.id, type: event.type }, "stripe event type not handled; acknowledged");
    return { eventId: event.id, type: event.type, result: "ignored" };
  }

  // A signed event Booth cannot use (the wrong mode, an object without what Booth reads) is acknowledged,
  // once, and flagged for a person: answering 5xx would make Stripe retry it for days to the same end.
  const problem =
    event.livemode !== liveMode()
      ? `a ${event.livemode ? "live" : "test"}-mode event reached a ${liveMode() ? "live" : "test"}-mode Booth`
      : eventShapeProblem(event.type, event.data?.object);
  if (problem) {
    const first = await db.$transaction(async (tx) => {
      if (!(await recordEventOnce(tx, "stripe", event.id, event.type))) return false;
      await flagUnusableEvent(tx, event, problem);
      return true;
    });
    return { eventId: event.id, type: event.type, result: first ? "flagged" : "duplicate", problem };
  }

  // Recording the event waits for a concurrent delivery of the same event to finish; then conflicts if it
  // committed. A handler that looks its payment up first records it in that statement (claimsInLock);
  // otherwise it is recorded before the handler runs. Either way before any change, in its transaction.
  const claim: EventClaim = { source: "stripe", eventId: event.id, type: event.type, made: false };
  const fresh = await db
    .$transaction(
      async (tx) => {
        if (!claimsInLock.has(event.type)) {
          if (!(await recordEventOnce(tx, "stripe", event.id, event.type))) return false;
          claim.made = true;
        }
        await handler({ tx, event, purchases, claim });
        // A handler that found nothing to lock has not recorded it yet (its lookup needed no statement).
        if (!claim.made && !(await recordEventOnce(tx, "stripe", event.id, event.type)))
          throw new DuplicateEvent(event.id);
        return true;
      },
      { timeout: 20_000, maxWait: 20_000 },
    )
    .catch((err: unknown) => {
      if (err instanceof DuplicateEvent) return false;
      throw err;
    });
  if (!fresh) {
    log.info({ eventId: event.id, type: event.type }, "duplicate stripe event ignored");
    return { eventId: event.id, type: event.type, result: "duplicate" };
  }
  nudgeEffects();
  return { eventId: event.id, type: event.type, result: "processed" };
}

/**
 * Flags an event Booth cannot use: on the payment it names (by Booth's payment id in its metadata), if any,
 * for the admin's review list and the trace; always in the log, as an error (a person must look).
 */
async function flagUnusableEvent(tx: Tx, event: Stripe.Event, problem: string) {
  const object = (event.data?.object ?? {}) as { metadata?: unknown };
  const meta =
    object.metadata && typeof object.metadata === "object" ? (object.metadata as Record<string, unknown>) : {};
  const paymentId = typeof meta.paymentId === "string" ? meta.paymentId : null;
  const payment = paymentId ? await lockPurchaseThenPayment(tx, { id: paymentId }) : null;
  log.error(
    { eventId: event.id, type: event.type, paymentId: payment?.id ?? null, problem },
    "stripe event unusable; acknowledged and flagged",
  );
  if (!payment) return;
  await tx.payment.update({
    where: { id: payment.id },
    data: { reviewReason: `Stripe event ${event.id} (${event.type}) could not be used: ${problem}`.slice(0, 500) },
  });
  await appendTrace(
    {
      traceId: payment.traceId,
      type: "payment.flagged",
      source: "stripe",
      occurredAt: new Date(event.created * 1000),
      payload: { paymentId: payment.id, eventId: event.id, reasons: [`${event.type} could not be used: ${problem}`] },
    },
    tx,
  );
}
