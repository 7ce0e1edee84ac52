import type Stripe from "stripe";
import { notePendingCheckout, settlePaidCheckout } from "../checkout-events";
import type { HandlerContext } from "./context";

/** Confirms only when paid and amount, currency and booking match; otherwise flags for review. */
export default async function checkoutSessionCompleted(ctx: HandlerContext) {
  const session = ctx.event.data.object as Stripe.Checkout.Session;
  if (session.payment_status === "paid") await settlePaidCheckout(ctx, session);
  else await notePendingCheckout(ctx, session);
}
