import type Stripe from "stripe";
import { failCheckout, type HandlerContext } from "../checkout-events";

export default async function checkoutSessionAsyncPaymentFailed(ctx: HandlerContext) {
  await failCheckout(ctx, ctx.event.data.object as Stripe.Checkout.Session);
}
