import type { HandlerContext } from "./context";
import { recordRefundEvent } from "../refund-events";

/** refund.created: records the refund's status (adopting one made in Stripe's dashboard). */
export default async function refundCreated(ctx: HandlerContext) {
  await recordRefundEvent(ctx);
}
