import type Stripe from "stripe";
import { failCheckout } from "../checkout-events";
import type { HandlerContext } from "./context";

export default async function checkoutSessionAsyncPaymentFailed(ctx: HandlerContext) {
  await failCheckout(ctx, ctx.event.data.object as Stripe.Checkout.Session);
}
