import type { Prisma } from "@/lib/generated/prisma/client";
import type { PaymentKind } from "@/lib/generated/prisma/enums";

/**
 * A purchase is what a payment pays for: a booking, a ticket or a tip. The money path (checkout, the
 * Stripe webhook, refunds, disputes, the ledger) works on purchases; each kind plugs in the few things
 * only it knows — what confirming it means, what its hold is, what a refund or a dispute does to it, and
 * which emails go out — by implementing `PurchaseKind` in its own feature folder (lib/bookings/purchase.ts,
 * lib/shows/purchase.ts, lib/tips/purchase.ts). lib/runtime/purchases.ts lists them; payments never
 * imports a feature.
 *
 * Every hook runs inside the money path's transaction, with the purchase's row locked first and the
 * payment's second (the lock order of every path: see lockPurchaseThenPayment).
 */

export type Tx = Prisma.TransactionClient;
export type PurchaseKindName = PaymentKind;
export type PurchaseRef = { kind: PurchaseKindName; id: string };

/** The payment as a hook sees it. */
export type PaymentView = { id: string; traceId: string; amountCents: number; currency: string; payerId: string };

/** What the arrival of money means for a purchase: it is confirmed, or the money goes back and why. */
export type PaidOutcome = { confirmed: true } | { confirmed: false; refund: { reason: string; explanation: string } };

/** Why a purchase's checkout ended without money: it expired, the payment failed, or it could not be opened. */
export type CheckoutEnd = "checkout_expired" | "payment_failed" | "checkout_failed";

/** What the test checkout page and Stripe's product line show for a purchase. */
export type PurchaseSummary = {
  title: string;
  /** Label and value rows; `at` values are shown in the reader's time zone. */
  lines: ({ label: string; text: string } | { label: string; at: Date })[];
  /** The purchase's own page (where Checkout sends the buyer back). */
  returnPath: string;
  /** The cancellation or refund policy shown before paying, if any. */
  policy?: string;
};

export interface PurchaseKind {
  readonly kind: PurchaseKindName;
  /** Money for this purchase arrived (already recorded on the payment): confirm it, or say why it goes back. */
  paid(tx: Tx, purchaseId: string, payment: PaymentView, at: Date): Promise<PaidOutcome>;
  /** The checkout ended without money: release what the purchase held. A no-op when it no longer waits for money. */
  checkoutEnded(tx: Tx, purchaseId: string, traceId: string, at: Date, why: CheckoutEnd): Promise<void>;
  /** A refund of this purchase's payment went through (`whole`: nothing is left of the payment). */
  refunded(tx: Tx, purchaseId: string, refund: { id: string; amountCents: number; whole: boolean }): Promise<void>;
  /** A dispute opened: mark the purchase if it has such a state; returns its status before, to restore on a win. */
  disputeOpened(tx: Tx, purchaseId: string): Promise<string | null>;
  /** The last open dispute closed: won (restore `statusBefore`) or lost (the bank took the money). */
  disputeClosed(tx: Tx, purchaseId: string, outcome: { won: boolean; statusBefore: string | null }): Promise<void>;
  /** What the test checkout page shows. */
  summary(tx: Pick<Tx, "booking" | "ticket" | "tip">, purchaseId: string): Promise<PurchaseSummary>;
}

/** The kinds the money path knows, by name. */
export type Purchases = { of(kind: PurchaseKindName): PurchaseKind; kinds: readonly PurchaseKind[] };

export function purchaseRegistry(kinds: readonly PurchaseKind[]): Purchases {
  const byName = new Map(kinds.map((k) => [k.kind, k]));
  return {
    kinds,
    of(kind) {
      const k = byName.get(kind);
      if (!k) throw new Error(`no purchase kind ${kind} is wired (lib/runtime/purchases.ts)`);
      return k;
    },
  };
}

/** The purchase a payment row pays for. */
export function purchaseOf(p: {
  kind: PurchaseKindName;
  bookingId: string | null;
  ticketId: string | null;
  tipId: string | null;
}): PurchaseRef {
  const id = p.kind === "booking" ? p.bookingId : p.kind === "ticket" ? p.ticketId : p.tipId;
  if (!id) throw new Error(`a ${p.kind} payment without its ${p.kind}`);
  return { kind: p.kind, id };
}

/** The payment row's column that links it to a purchase of this kind. */
export const purchaseColumn = { booking: "bookingId", ticket: "ticketId", tip: "tipId" } as const satisfies Record<
  PurchaseKindName,
  string
>;

/** Stripe metadata and Booth's payment row name the purchase by this key (bookingId, ticketId, tipId). */
export const metadataKey = (kind: PurchaseKindName) => purchaseColumn[kind];
