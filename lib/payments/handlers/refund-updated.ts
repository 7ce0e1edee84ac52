import type { HandlerContext } from "./context";
import { recordRefundEvent } from "../refund-events";

/** refund.updated: records the refund's status (adopting one made in Stripe's dashboard). */
export default async function refundUpdated(ctx: HandlerContext) {
  await recordRefundEvent(ctx);
}
