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
  mail = false;

  refund(id: string) {
    this.refundIds.push(id);
  }

  async run() {
    if (this.refundIds.length) {
      const { executeRefund } = await import("./refunds");
      for (const id of this.refundIds) {
        await executeRefund(id).catch((err) => log.error({ err, refundId: id }, "refund left for the retry sweep"));
      }
    }
    if (this.mail || this.refundIds.length) deliverSoon();
  }
}
