import type Stripe from "stripe";
import { expireCheckout } from "../checkout-events";
import type { HandlerContext } from "./context";

/** Releases the hold; a no-op when the session was paid first (events arrive in any order). */
export default async function checkoutSessionExpired(ctx: HandlerContext) {
  await expireCheckout(ctx, ctx.event.data.object as Stripe.Checkout.Session);
}
