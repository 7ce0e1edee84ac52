import "server-only";
import { bookingPurchase } from "@/lib/bookings/purchase";
import { purchaseRegistry } from "@/lib/payments/purchase";
import { ticketPurchase } from "@/lib/shows/purchase";
import { tipPurchase } from "@/lib/tips/purchase";

/**
 * The purchase kinds the money path serves. A new kind of purchase plugs in here, with its own module
 * implementing PurchaseKind; the webhook, ledger, refund and dispute code does not change.
 */
export const purchases = purchaseRegistry([bookingPurchase, ticketPurchase, tipPurchase]);
