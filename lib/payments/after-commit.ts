import "server-only";
import { logger } from "@/lib/logger";
import { deliverSoon } from "@/lib/mail/service";

const log = logger.child({ module: "after-commit" });

/**
 * Work that must wait until a transaction has committed: calls to Stripe and mail delivery. What it
 * does is already recorded in the database (a refund row in `requested`, an email row in `pending`),
 * so a crash before it runs loses nothing: the sweeper (instrumentation.ts) picks it up.
 */
export class AfterCommit {
  readonly refundIds: string[] = [];
  readonly checkoutsToClose: { checkoutSessionId: string; traceId: string }[] = [];
  mail = false;

  refund(id: string) {
    this.refundIds.push(id);
  }

  /** Closes a checkout the booking no longer needs (cancelled before payment) so it cannot be paid. */
  closeCheckout(checkoutSessionId: string, traceId: string) {
    this.checkoutsToClose.push({ checkoutSessionId, traceId });
  }

  async run() {
    if (this.checkoutsToClose.length) {
      const [{ paymentGateway }, { appendTrace }] = await Promise.all([
        import("./gateway"),
        import("@/lib/trace/service"),
      ]);
      for (const c of this.checkoutsToClose) {
        // If this fails (or the viewer paid a moment before), a payment that still arrives finds the
        // booking cancelled and is refunded in full by the webhook.
        const result = await paymentGateway()
          .expireCheckout(c.checkoutSessionId)
          .then(
            () => "closed",
            (err: unknown) => {
              log.warn(
                { err, checkoutSessionId: c.checkoutSessionId },
                "checkout could not be closed; a late payment will be refunded",
              );
              return `not closed: ${err instanceof Error ? err.message.slice(0, 200) : "unknown error"}`;
            },
          );
        await appendTrace({
          traceId: c.traceId,
          type: "checkout.closed",
          source: "app",
          payload: { checkoutSessionId: c.checkoutSessionId, result },
        }).catch((err) => log.error({ err }, "trace write failed"));
      }
    }
    if (this.refundIds.length) {
      const { executeRefund } = await import("./refunds");
      for (const id of this.refundIds) {
        await executeRefund(id).catch((err) => log.error({ err, refundId: id }, "refund left for the retry sweep"));
      }
    }
    if (this.mail || this.refundIds.length) deliverSoon();
  }
}
