/**
 * Reconciliation's comparison, as pure logic: Booth's ledger (settled payments and sent refunds) against
 * what Stripe says about the same objects, Stripe's succeeded payments against Booth, and paid sessions
 * against what happened in their rooms (paid but never joined, joined without a purchase, a recording
 * missing). No I/O: the service (./reconciliation.ts) reads both sides and records the findings.
 */
import { z } from "zod";
import { formatMoney } from "@/lib/money";
import { refundableCents, refundCeiling } from "./refund-math";

export type FindingKind =
  | "paid_in_stripe_not_in_booth"
  | "booth_paid_not_in_stripe"
  | "amount_differs"
  | "refund_missing_in_stripe"
  | "refund_differs"
  | "paid_never_joined"
  | "joined_without_purchase"
  | "recording_missing";

/** The kinds about sessions (compared with Booth's own rooms, not Stripe). */
export const SESSION_FINDING_KINDS: readonly FindingKind[] = [
  "paid_never_joined",
  "joined_without_purchase",
  "recording_missing",
];
/** The kinds about Booth's ledger against Stripe. */
export const STRIPE_FINDING_KINDS: readonly FindingKind[] = [
  "paid_in_stripe_not_in_booth",
  "booth_paid_not_in_stripe",
  "amount_differs",
  "refund_missing_in_stripe",
  "refund_differs",
];

export type Finding = {
  kind: FindingKind;
  paymentId: string | null;
  refundId: string | null;
  /** The Stripe object it is about (a payment intent or a refund); null for a session finding without one. */
  stripeId: string | null;
  message: string;
  /** What the session story is about (session findings; Stripe findings get theirs from the payment). */
  bookingId?: string | null;
  ticketId?: string | null;
  groupEventId?: string | null;
  roomSessionId?: string | null;
  /** The participant a finding is about (joined without a purchase). */
  userId?: string | null;
};

/** A payment Booth counts as settled (money in), with the payment intent it names. */
export type BoothPayment = {
  id: string;
  status: string;
  stripePaymentIntentId: string;
  amountCents: number;
  capturedCents: number | null;
  currency: string;
};
/** A refund Booth sent to Stripe (Stripe acknowledged it: it has an id). */
export type BoothRefund = {
  id: string;
  paymentId: string;
  stripeRefundId: string;
  amountCents: number;
  currency: string;
  status: string;
};
/** What Stripe answered for one payment intent (null: Stripe has no such object). */
export type StripeIntent = {
  id: string;
  status: string;
  amount: number;
  amountReceived: number | null;
  currency: string;
  /** Booth's payment id, from the metadata Booth's checkout puts on it, when present. */
  paymentId: string | null;
};
export type StripeRefund = { id: string; status: string | null; amount: number; currency: string };

/** Booth statuses in which the money was taken (whatever happened to it after). */
export const SETTLED_PAYMENT = new Set(["paid", "refunded", "partially_refunded", "disputed", "needs_review"]);

const money = (cents: number, currency: string) => formatMoney(cents, currency.toUpperCase());

/** Booth's settled payments, each against Stripe's payment intent of the same id (missing: null). */
export function comparePayments(pairs: { booth: BoothPayment; stripe: StripeIntent | null }[]): Finding[] {
  const out: Finding[] = [];
  for (const { booth, stripe } of pairs) {
    const base = { paymentId: booth.id, refundId: null, stripeId: booth.stripePaymentIntentId };
    const expected = booth.capturedCents ?? booth.amountCents;
    if (!stripe) {
      out.push({
        ...base,
        kind: "booth_paid_not_in_stripe",
        message: `Booth has ${money(expected, booth.currency)} as ${booth.status}; Stripe has no such payment`,
      });
    } else if (stripe.status !== "succeeded") {
      out.push({
        ...base,
        kind: "booth_paid_not_in_stripe",
        message: `Booth has ${money(expected, booth.currency)} as ${booth.status}; Stripe says ${stripe.status}`,
      });
    } else {
      const received = stripe.amountReceived ?? stripe.amount;
      if (received !== expected || stripe.currency.toLowerCase() !== booth.currency.toLowerCase())
        out.push({
          ...base,
          kind: "amount_differs",
          message: `Booth has ${money(expected, booth.currency)}; Stripe received ${money(received, stripe.currency)}`,
        });
    }
  }
  return out;
}

/**
 * Stripe's succeeded payment intents, each with the Booth payment that names it (by intent id, else by the
 * metadata's payment id; null: none): paid in Stripe but not settled in Booth.
 */
export function compareStripeIntents(pairs: { stripe: StripeIntent; booth: { id: string; status: string } | null }[]) {
  const out: Finding[] = [];
  for (const { stripe, booth } of pairs) {
    if (stripe.status !== "succeeded") continue;
    if (booth && SETTLED_PAYMENT.has(booth.status)) continue;
    out.push({
      kind: "paid_in_stripe_not_in_booth",
      paymentId: booth?.id ?? null,
      refundId: null,
      stripeId: stripe.id,
      message: booth
        ? `Stripe received ${money(stripe.amountReceived ?? stripe.amount, stripe.currency)}; Booth has the payment as ${booth.status}`
        : `Stripe received ${money(stripe.amountReceived ?? stripe.amount, stripe.currency)}; Booth has no payment for it`,
    });
  }
  return out;
}

/** Refunds Booth sent, each against Stripe's refund of the same id (missing: null). */
export function compareRefunds(pairs: { booth: BoothRefund; stripe: StripeRefund | null }[]): Finding[] {
  const out: Finding[] = [];
  for (const { booth, stripe } of pairs) {
    const base = { paymentId: booth.paymentId, refundId: booth.id, stripeId: booth.stripeRefundId };
    if (!stripe) {
      out.push({
        ...base,
        kind: "refund_missing_in_stripe",
        message: `Booth refunded ${money(booth.amountCents, booth.currency)} (${booth.status}); Stripe has no such refund`,
      });
      continue;
    }
    const failedThere = stripe.status === "failed" || stripe.status === "canceled";
    if (
      stripe.amount !== booth.amountCents ||
      stripe.currency.toLowerCase() !== booth.currency.toLowerCase() ||
      (booth.status === "succeeded" && failedThere)
    )
      out.push({
        ...base,
        kind: "refund_differs",
        message: `Booth refunded ${money(booth.amountCents, booth.currency)} (${booth.status}); Stripe has ${money(stripe.amount, stripe.currency)} (${stripe.status ?? "no status"})`,
      });
  }
  return out;
}

/** The UTC day key of the nightly run: one per day across every replica (reconciliation_runs.day). */
export const nightlyKey = (now: Date) => `nightly:${now.toISOString().slice(0, 10)}`;

/** The nightly run waits for this UTC hour, after the day's payments have settled at Stripe. */
export const NIGHTLY_HOUR_UTC = 3;

// ---------------------------------------------------------------- sessions against their rooms

/** Payment statuses in which Booth still holds money for the purchase (a refund can come out of them). */
export const HELD_PAYMENT = ["paid", "partially_refunded"] as const;

/**
 * A paid booking or ticket whose session window has ended, with whether its payer ever connected (a
 * participant connection of theirs that joined the room). Read set-based by the service.
 */
export type PaidSessionRow = {
  kind: "booking" | "ticket";
  purchaseId: string;
  purchaseStatus: string;
  bookingId: string | null;
  ticketId: string | null;
  groupEventId: string | null;
  /** The show's own status (cancelled shows are refunded by their cancellation). */
  eventStatus: string | null;
  roomSessionId: string | null;
  paymentId: string;
  paymentStatus: string;
  stripePaymentIntentId: string | null;
  amountCents: number;
  capturedCents: number | null;
  refundedCents: number;
  /** Its refunds not failed (requested, pending at Stripe or succeeded), and those Stripe has not seen yet. */
  liveRefundCents: number;
  unseenRefundCents: number;
  currency: string;
  endsAt: Date;
  payerJoined: boolean;
};

/** Purchases that still stand once paid (a cancelled one was refunded by its cancellation). */
const STANDING_PURCHASE = new Set(["confirmed", "completed", "paid"]);

/**
 * What no longer holds of "paid, the window is over, the payer never connected" for one paid session (null:
 * all of it still holds), in words an admin reads: the refund button checks it again under the purchase's lock.
 */
export function neverJoinedChange(r: PaidSessionRow, now: Date): string | null {
  if (!(HELD_PAYMENT as readonly string[]).includes(r.paymentStatus))
    return `the payment is ${r.paymentStatus.replaceAll("_", " ")} now`;
  if (r.eventStatus === "cancelled") return "the show was cancelled";
  if (!STANDING_PURCHASE.has(r.purchaseStatus))
    return `the ${r.kind === "booking" ? "booking" : "ticket"} is ${r.purchaseStatus.replaceAll("_", " ")} now`;
  if (r.endsAt > now)
    return `the session now ends ${r.endsAt.toISOString().slice(0, 16).replace("T", " ")} UTC, which is not over yet`;
  if (r.payerJoined) return "the payer has connected to the room since";
  return null;
}

/** Paid, the session's window is over, and the payer never connected: money held for nothing delivered. */
export function paidNeverJoined(rows: readonly PaidSessionRow[], now: Date): Finding[] {
  const out: Finding[] = [];
  for (const r of rows) {
    if (neverJoinedChange(r, now)) continue;
    // What is still held: the ledger's own sum (refunds on their way back count as gone), from the refund rows
    // summed by the query (the live ones that Stripe has seen, and those it has not).
    const held = refundableCents({
      ...r,
      refunds: [
        { amountCents: r.liveRefundCents - r.unseenRefundCents, status: "succeeded", stripeRefundId: "seen" },
        { amountCents: r.unseenRefundCents, status: "requested", stripeRefundId: null },
      ],
    });
    if (held <= 0) continue;
    const paid = refundCeiling(r);
    out.push({
      kind: "paid_never_joined",
      paymentId: r.paymentId,
      refundId: null,
      stripeId: r.stripePaymentIntentId,
      bookingId: r.bookingId,
      ticketId: r.ticketId,
      groupEventId: r.groupEventId,
      roomSessionId: r.roomSessionId,
      message: `Paid ${money(paid, r.currency)}${held < paid ? ` (${money(held, r.currency)} still held)` : ""} for a ${r.kind === "booking" ? "session" : "show ticket"} that ended ${r.endsAt.toISOString().slice(0, 16).replace("T", " ")} UTC; the payer never connected`,
    });
  }
  return out;
}

/**
 * One participant who joined a room, with what entitles them to it: the room's creator, or the settled
 * payment (any SETTLED_PAYMENT status: the money went through) of their booking or ticket for that room.
 */
export type JoinedRow = {
  roomSessionId: string;
  bookingId: string | null;
  groupEventId: string | null;
  userId: string;
  /** The ticket they hold for the show, when they hold one (for the story's link). */
  ticketId: string | null;
  isCreator: boolean;
  /** The status of their best payment for this room's purchase; null when they have none. */
  paymentStatus: string | null;
  paymentId: string | null;
  firstJoinedAt: Date;
};

/** Someone in a paid room who is neither its creator nor the holder of a settled purchase for it. */
export function joinedWithoutPurchase(rows: readonly JoinedRow[]): Finding[] {
  const out: Finding[] = [];
  for (const r of rows) {
    if (r.isCreator) continue;
    if (r.paymentStatus && SETTLED_PAYMENT.has(r.paymentStatus)) continue;
    out.push({
      kind: "joined_without_purchase",
      paymentId: r.paymentId,
      refundId: null,
      stripeId: null,
      bookingId: r.bookingId,
      ticketId: r.ticketId,
      groupEventId: r.groupEventId,
      roomSessionId: r.roomSessionId,
      userId: r.userId,
      message: `User ${r.userId} joined the room ${r.firstJoinedAt.toISOString().slice(0, 16).replace("T", " ")} UTC without a paid ${r.groupEventId ? "ticket" : "booking"} (${r.paymentStatus ? `their payment is ${r.paymentStatus}` : "no payment of theirs"}): this should be impossible`,
    });
  }
  return out;
}

/** How long after a session's end its recording may still be finishing (Egress uploads after the room ends). */
export const RECORDING_GRACE_MS = 60 * 60_000;

/** A room that has closed, with its recording policy and what Egress left. */
export type RecordedRoomRow = {
  roomSessionId: string;
  bookingId: string | null;
  groupEventId: string | null;
  policy: string;
  recordingRequestedAt: Date | null;
  /** Someone joined the room (a session nobody attended has nothing to record). */
  anyoneJoined: boolean;
  recordings: number;
  completeRecordings: number;
};

/**
 * Whether the policy asked for a recording of this session: always, or on request when it was requested (the
 * request is cleared when the creator stops, but its recordings remain).
 */
export const recordingRequired = (r: Pick<RecordedRoomRow, "policy" | "recordingRequestedAt" | "recordings">) =>
  r.policy === "always" || (r.policy === "on_request" && (r.recordingRequestedAt !== null || r.recordings > 0));

/** Sessions the policy says were recorded, that took place, with no complete recording. */
export function recordingMissing(rows: readonly RecordedRoomRow[]): Finding[] {
  const out: Finding[] = [];
  for (const r of rows) {
    if (!recordingRequired(r) || !r.anyoneJoined || r.completeRecordings > 0) continue;
    out.push({
      kind: "recording_missing",
      paymentId: null,
      refundId: null,
      stripeId: null,
      bookingId: r.bookingId,
      ticketId: null,
      groupEventId: r.groupEventId,
      roomSessionId: r.roomSessionId,
      message: `Recording ${r.policy === "always" ? "is always on for this offering" : "was requested in the room"}, but ${r.recordings ? `none of its ${r.recordings} recording${r.recordings === 1 ? "" : "s"} completed` : "nothing was recorded"}`,
    });
  }
  return out;
}

// ---------------------------------------------------------------- findings across runs, and their resolution

/** The same mismatch found by two runs is one finding: its kind and the ids it is about. */
export function findingKey(f: Finding) {
  const ids = [f.paymentId, f.refundId, f.stripeId, f.roomSessionId, f.userId].map((v) => v ?? "");
  return [f.kind, ...ids].join(":");
}

export type Resolution = "refund" | "confirm" | "dismiss";

/** What one click may do with a finding: refund money held for a session never attended, confirm money
 * Stripe took that Booth has not settled, and dismiss anything (with a note). */
export function resolutionsFor(f: { kind: string; paymentId: string | null }): Resolution[] {
  if (f.kind === "paid_never_joined" && f.paymentId) return ["refund", "dismiss"];
  if (f.kind === "paid_in_stripe_not_in_booth" && f.paymentId) return ["confirm", "dismiss"];
  return ["dismiss"];
}

/** How a resolved finding was resolved, in words. */
export const RESOLUTION_WORDS: Record<string, string> = {
  refunded: "Refunded",
  confirmed: "Confirmed",
  dismissed: "Dismissed",
  cleared: "No longer found",
};

/** The admin session page that tells the story of what a finding is about (null: none to link). */
export function storyHref(f: Pick<Finding, "bookingId" | "ticketId" | "groupEventId">) {
  if (f.bookingId) return `/admin/sessions/${f.bookingId}`;
  if (f.ticketId) return `/admin/tickets/${f.ticketId}`;
  if (f.groupEventId) return `/admin/shows/${f.groupEventId}`;
  return null;
}

/** The payment in Stripe's dashboard (a payment intent id), test or live. */
export function stripePaymentHref(paymentIntentId: string | null | undefined, live: boolean) {
  if (!paymentIntentId?.startsWith("pi_")) return null;
  return `https://dashboard.stripe.com/${live ? "" : "test/"}payments/${encodeURIComponent(paymentIntentId)}`;
}

const NOTE_NEEDED = "Say in a few words why this needs nothing more (the audit log keeps it).";
const note = z.string(NOTE_NEEDED).trim().min(3, NOTE_NEEDED).max(500, "Keep the note under 500 characters.");
const findingId = z.string().trim().min(1, "Which finding?").max(64);
const optionalNote = z
  .string()
  .trim()
  .max(500, "Keep the note under 500 characters.")
  .optional()
  .transform((v) => v || undefined);

/** One click on a finding: refund or confirm (a note is optional), or dismiss (a note is required). */
export const resolveFindingInput = z.discriminatedUnion(
  "action",
  [
    z.object({ action: z.literal("refund"), findingId, note: optionalNote }),
    z.object({ action: z.literal("confirm"), findingId, note: optionalNote }),
    z.object({ action: z.literal("dismiss"), findingId, note }),
  ],
  { error: "Choose refund, confirm or dismiss." },
);
export type ResolveFindingInput = z.infer<typeof resolveFindingInput>;

/** Dismissing an open alert from /admin/reconciliation: which one, and the note the audit log keeps. */
export const dismissAlertInput = z.object({
  alertId: z.string().trim().min(1).max(64),
  note: z
    .string()
    .trim()
    .min(3, "Say in a few words why this needs nothing more (the audit log keeps it).")
    .max(500, "Keep the note under 500 characters."),
});
export type DismissAlertInput = z.infer<typeof dismissAlertInput>;
