import type Stripe from "stripe";
import { settlePaidCheckout, type HandlerContext } from "../checkout-events";

export default async function checkoutSessionAsyncPaymentSucceeded(ctx: HandlerContext) {
  await settlePaidCheckout(ctx, ctx.event.data.object as Stripe.Checkout.Session);
}
