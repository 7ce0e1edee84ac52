import type { HandlerContext } from "./context";
import { closeDispute } from "../disputes";

/** Won: payment and booking return to where they were. Lost: the payment stays out of earnings. */
export default async function chargeDisputeClosed(ctx: HandlerContext) {
  await closeDispute(ctx);
}
