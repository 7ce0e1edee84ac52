import type { HandlerContext } from "./context";
import { openDispute } from "../disputes";

/** Marks the payment and its booking disputed (held out of earnings) and flags them for a human. */
export default async function chargeDisputeCreated(ctx: HandlerContext) {
  await openDispute(ctx);
}
