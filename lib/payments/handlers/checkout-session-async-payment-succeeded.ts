import type Stripe from "stripe";
import { settlePaidCheckout } from "../checkout-events";
import type { HandlerContext } from "./context";

export default async function checkoutSessionAsyncPaymentSucceeded(ctx: HandlerContext) {
  await settlePaidCheckout(ctx, ctx.event.data.object as Stripe.Checkout.Session);
}
