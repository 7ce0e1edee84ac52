import type Stripe from "stripe";
import type { Purchases, Tx } from "../purchase";

/** What every Stripe event handler gets: the transaction its changes commit in, the event, and the purchase kinds. */
export type HandlerContext = { tx: Tx; event: Stripe.Event; purchases: Purchases };
export type StripeHandler = (ctx: HandlerContext) => Promise<void>;
