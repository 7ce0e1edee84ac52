import type { HandlerContext } from "./context";
import { recordRefundEvent } from "../refund-events";

/** refund.failed: records the refund's status (adopting one made in Stripe's dashboard). */
export default async function refundFailed(ctx: HandlerContext) {
  await recordRefundEvent(ctx);
}
