import "server-only";
import { z } from "zod";
import { logger } from "@/lib/logger";
import type { Prisma } from "@/lib/generated/prisma/client";
import { defineEffect, type EffectHandlers, enqueueEffect, handle } from "@/lib/ops/outbox";
import { appendTrace } from "@/lib/trace/service";
import { paymentGateway } from "./gateway";
import type { Purchases } from "./purchase";
import { callRefundProvider, recordRefundAnswer, sendRefund } from "./refunds";

const log = logger.child({ module: "payment-effects" });

/** Closes an open checkout its purchase no longer needs (cancelled before payment), so it cannot be paid. */
export const closeCheckout = defineEffect(
  "payments.close_checkout",
  z.object({ checkoutSessionId: z.string(), traceId: z.string() }),
);

/** Closes, after the commit, each open checkout among a purchase's payments (it was cancelled before payment). */
export async function closeOpenCheckouts(
  tx: Prisma.TransactionClient,
  payments: readonly { status: string; stripeCheckoutSessionId: string | null }[],
  traceId: string,
) {
  for (const p of payments) {
    if (p.status !== "pending" || !p.stripeCheckoutSessionId) continue;
    await enqueueEffect(
      tx,
      closeCheckout,
      { checkoutSessionId: p.stripeCheckoutSessionId, traceId },
      { key: `close-checkout:${p.stripeCheckoutSessionId}`, traceId },
    );
  }
}

/** How the outbox carries out the money path's effects. */
export function paymentEffectHandlers(purchases: Purchases): EffectHandlers {
  return {
    ...handle(sendRefund, {
      run: ({ refundId }) => callRefundProvider(refundId),
      done: (tx, { refundId }, answer) => recordRefundAnswer(tx, purchases, refundId, answer),
    }),
    ...handle(closeCheckout, {
      // If this fails (or the buyer paid a moment before), a payment that still arrives finds the purchase
      // cancelled and is refunded in full by the webhook: not closing is safe, so it is not retried.
      run: ({ checkoutSessionId }) =>
        paymentGateway()
          .expireCheckout(checkoutSessionId)
          .then(
            () => "closed",
            (err: unknown) => {
              log.warn({ err, checkoutSessionId }, "checkout could not be closed; a late payment will be refunded");
              return `not closed: ${err instanceof Error ? err.message.slice(0, 200) : "unknown error"}`;
            },
          ),
      done: async (tx, { checkoutSessionId, traceId }, result) => {
        await appendTrace(
          { traceId, type: "checkout.closed", source: "app", payload: { checkoutSessionId, result } },
          tx,
        );
      },
    }),
  };
}
