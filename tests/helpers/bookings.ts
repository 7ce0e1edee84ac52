import crypto from "node:crypto";
import Stripe from "stripe";
import type { Actor } from "@/lib/auth/permissions";
import { getOpenSlots } from "@/lib/bookings/queries";
import { bookSlot } from "@/lib/bookings/service";
import { db } from "@/lib/db";
import { baseUrl } from "./http";
import { createCreator, createUser } from "./factories";

const signer = new Stripe("sk_test_signing_only");
export const webhookSecret = () => process.env.STRIPE_WEBHOOK_SECRET!;

/** A published creator with one private 60-minute offering open every day, all day, in `timeZone`. */
export async function bookableOffering(opts: { timeZone?: string; priceCents?: number; currency?: string } = {}) {
  const creator = await createCreator({ timeZone: opts.timeZone ?? "Europe/Lisbon" });
  const offering = await db.offering.create({
    data: {
      creatorId: creator.profile.id,
      kind: "private_session",
      title: "Portfolio review",
      durationMinutes: 60,
      priceCents: opts.priceCents ?? 4500,
      currency: opts.currency ?? "EUR",
      minNoticeMinutes: 60,
      horizonDays: 60,
    },
  });
  await db.availabilityRule.createMany({
    data: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({
      creatorId: creator.profile.id,
      weekday,
      startMinute: 0,
      endMinute: 1440,
    })),
  });
  const open = await getOpenSlots(offering.id, { days: 30 }, "default");
  // Slots a few minutes clear of the 60-minute notice, so the first is still bookable a moment later
  // (on a slow machine, an hour can turn between listing the slots and booking one).
  const clear = Date.now() + 65 * 60_000;
  return { creator, offering, slots: open!.slots.filter((s) => s.startsAt.getTime() > clear).map((s) => s.startsAt) };
}

/** A viewer holds `startsAt` and gets a checkout; returns the booking and its payment rows. */
export async function hold(offeringId: string, startsAt: Date, viewer?: Actor) {
  const who = viewer ?? (await createUser());
  const { bookingId } = await bookSlot(who, {
    offeringId,
    startsAt: startsAt.toISOString(),
    timeZone: "America/New_York",
  });
  const payment = await db.payment.findFirstOrThrow({ where: { bookingId } });
  return { viewer: who, bookingId, payment };
}

type PaymentRow = {
  id: string;
  traceId: string;
  amountCents: number;
  currency: string;
  bookingId: string | null;
  stripeCheckoutSessionId: string | null;
};

/** The checkout.session object Stripe sends for `payment`, with any field overridden. */
export function sessionFor(p: PaymentRow, over: Record<string, unknown> = {}) {
  return {
    id: p.stripeCheckoutSessionId,
    object: "checkout.session",
    mode: "payment",
    status: "complete",
    payment_status: "paid",
    amount_total: p.amountCents,
    currency: p.currency.toLowerCase(),
    client_reference_id: p.bookingId,
    metadata: { bookingId: p.bookingId, traceId: p.traceId, paymentId: p.id },
    payment_intent: `pi_${p.id}`,
    ...over,
  };
}

/** A Stripe event envelope and its Stripe-Signature header (timestamp and secret overridable). */
export function signedEvent(
  type: string,
  object: Record<string, unknown>,
  opts: { id?: string; timestamp?: number; secret?: string; created?: number; livemode?: boolean } = {},
) {
  const payload = JSON.stringify({
    id: opts.id ?? `evt_${crypto.randomUUID().replace(/-/g, "")}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: opts.created ?? Math.floor(Date.now() / 1000),
    livemode: opts.livemode ?? false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  });
  const signature = signer.webhooks.generateTestHeaderString({
    payload,
    secret: opts.secret ?? webhookSecret(),
    timestamp: opts.timestamp,
  });
  return { payload, signature, id: JSON.parse(payload).id as string };
}

/** POSTs a signed event to the running app's /api/stripe/webhook, as Stripe does. */
export async function deliver(ev: { payload: string; signature: string }) {
  const res = await fetch(`${baseUrl()}/api/stripe/webhook`, {
    method: "POST",
    body: ev.payload,
    headers: { "content-type": "application/json", "stripe-signature": ev.signature },
  });
  const body = (await res.json()) as { result?: string; error?: string };
  // A confirmation's mail is composed by the app's outbox right after the webhook's commit: wait for it, so a
  // test reads the mail as a viewer would find it moments later.
  const traceId = (JSON.parse(ev.payload) as { data?: { object?: { metadata?: { traceId?: unknown } } } }).data?.object
    ?.metadata?.traceId;
  if (body.result === "processed" && typeof traceId === "string") await mailComposed(traceId);
  return { status: res.status, body };
}

/** Waits until the outbox has composed the confirmation mail a paid booking of this trace is owed (if any). */
export async function mailComposed(traceId: string) {
  for (let i = 0; i < 200; i++) {
    const pending = await db.outboxEffect.count({
      where: { traceId, type: "bookings.mail_confirmed", status: "pending" },
    });
    if (pending === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the confirmation mail of trace ${traceId} was not composed within 10 s`);
}

export async function traceTypes(traceId: string) {
  return (await db.traceEvent.findMany({ where: { traceId }, orderBy: { id: "asc" }, select: { type: true } })).map(
    (e) => e.type,
  );
}
