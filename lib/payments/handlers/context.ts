import type Stripe from "stripe";
import type { EventClaim } from "@/lib/ops/processed-events";
import type { Purchases, Tx } from "../purchase";

/**
 * What every Stripe event handler gets: the transaction its changes commit in, the event, the purchase kinds,
 * and the event's record-once claim (made before the handler runs, unless its type is in claimsInLock).
 */
export type HandlerContext = { tx: Tx; event: Stripe.Event; purchases: Purchases; claim: EventClaim };
export type StripeHandler = (ctx: HandlerContext) => Promise<void>;
