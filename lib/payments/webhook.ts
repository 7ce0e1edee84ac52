import "server-only";
import Stripe from "stripe";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { nudgeEffects } from "@/lib/ops/outbox";
import { recordEventOnce } from "@/lib/ops/processed-events";
import { stripeHandlers } from "./handlers";
import type { Purchases } from "./purchase";
import { stripe, webhookSecret } from "./stripe";

const log = logger.child({ module: "stripe-webhook" });

/** Stripe's own default: a signature older than five minutes is refused (replay protection). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type WebhookOutcome = { eventId: string; type: string; result: "processed" | "duplicate" | "ignored" };

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
  let event: Stripe.Event;
  try {
    event = stripe().webhooks.constructEvent(rawBody, signature, webhookSecret(), SIGNATURE_TOLERANCE_SECONDS);
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

  const fresh = await db.$transaction(
    async (tx) => {
      // Waits for a concurrent delivery of the same event to finish; then conflicts if it committed.
      if (!(await recordEventOnce(tx, "stripe", event.id, event.type))) return false;
      await handler({ tx, event, purchases });
      return true;
    },
    { timeout: 20_000, maxWait: 20_000 },
  );
  if (!fresh) {
    log.info({ eventId: event.id, type: event.type }, "duplicate stripe event ignored");
    return { eventId: event.id, type: event.type, result: "duplicate" };
  }
  nudgeEffects();
  return { eventId: event.id, type: event.type, result: "processed" };
}
