/**
 * One run of the webhook bench (bench/webhooks.ts runs it beside the code before the purchase pipeline):
 * Stripe webhook events processed per second on the embedded PostgreSQL.
 * Each event is signed, verified, deduplicated and applied exactly as /api/stripe/webhook does
 * (processStripeWebhook, in process, so HTTP is not measured). A share of deliveries are duplicates,
 * mixed in at random, as Stripe's at-least-once delivery produces.
 */
import { benchCreator, benchDatabase, percentile } from "./setup";

const BOOKINGS = Number(process.env.BENCH_EVENTS ?? 600);
const DUPLICATE_SHARE = 0.25;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

const database = await benchDatabase();
const { db } = await import("@/lib/db");
const { processStripeWebhook } = await import("@/lib/payments/webhook");
const { signedTestEvent } = await import("@/lib/payments/test-events");
const { purchases } = await import("@/lib/runtime/purchases");
const { offering, profile, viewer } = await benchCreator();

// Pending bookings with open checkouts, one hour apart, starting tomorrow.
const start = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000;
const ids = Array.from({ length: BOOKINGS }, (_, i) => i);
await db.booking.createMany({
  data: ids.map((i) => ({
    id: `bk_${i}`,
    offeringId: offering.id,
    creatorId: profile.id,
    viewerId: viewer.id,
    startsAt: new Date(start + i * 3_600_000),
    endsAt: new Date(start + (i + 1) * 3_600_000),
    status: "pending_payment" as const,
    holdsSlot: true,
    holdExpiresAt: new Date(Date.now() + 3_600_000),
    priceCents: 4500,
    currency: "EUR",
    traceId: `tr_${i}`,
  })),
});
await db.payment.createMany({
  data: ids.map((i) => ({
    id: `pay_${i}`,
    traceId: `tr_${i}`,
    kind: "booking" as const,
    bookingId: `bk_${i}`,
    payerId: viewer.id,
    amountCents: 4500,
    currency: "EUR",
    stripeCheckoutSessionId: `cs_bench_${i}`,
  })),
});

const events = ids.map((i) =>
  signedTestEvent("checkout.session.completed", {
    id: `cs_bench_${i}`,
    object: "checkout.session",
    payment_status: "paid",
    status: "complete",
    amount_total: 4500,
    currency: "eur",
    client_reference_id: `bk_${i}`,
    metadata: { bookingId: `bk_${i}`, traceId: `tr_${i}`, paymentId: `pay_${i}` },
    payment_intent: `pi_bench_${i}`,
  }),
);
// Duplicates are delivered after their original, somewhere later in the stream.
const deliveries: { payload: string; signature: string }[] = events.map((e) => ({
  payload: e.payload,
  signature: e.signature,
}));
for (const i of ids) {
  if (Math.random() < DUPLICATE_SHARE / (1 - DUPLICATE_SHARE)) {
    const at = Math.floor(i + 1 + Math.random() * (deliveries.length - i));
    deliveries.splice(Math.min(at, deliveries.length), 0, deliveries[i]!);
  }
}

const latencies: number[] = [];
const byOutcome: Record<string, number[]> = { processed: [], duplicate: [], ignored: [], flagged: [] };
const results = { processed: 0, duplicate: 0, ignored: 0, flagged: 0 };
let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < deliveries.length) {
      const d = deliveries[next++]!;
      const s = performance.now();
      const outcome = await processStripeWebhook(d.payload, d.signature, purchases);
      latencies.push(performance.now() - s);
      byOutcome[outcome.result]!.push(performance.now() - s);
      results[outcome.result]++;
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
latencies.sort((a, b) => a - b);

const confirmed = await db.booking.count({ where: { status: "confirmed" } });
const succeeded = await db.traceEvent.count({ where: { type: "payment.succeeded" } });
const mails = await db.emailMessage.count();
console.log(
  `webhook bench: ${deliveries.length} deliveries (${results.processed} fresh, ${results.duplicate} duplicates = ${((results.duplicate / deliveries.length) * 100).toFixed(0)}%), concurrency ${CONCURRENCY}`,
);
console.log(
  `  throughput: ${(deliveries.length / seconds).toFixed(0)} events/s overall, ${(results.processed / seconds).toFixed(0)} fresh events/s applied`,
);
console.log(
  `  latency per event: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
);
const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
console.log(
  `  a duplicate costs ${(median(byOutcome.duplicate!) / median(byOutcome.processed!)).toFixed(2)}× a fresh event (p50 ${median(byOutcome.duplicate!).toFixed(1)} ms vs ${median(byOutcome.processed!).toFixed(1)} ms)`,
);
console.log(
  `  ledger check: ${confirmed}/${BOOKINGS} bookings confirmed, ${succeeded} payment.succeeded trace events, ${mails} emails queued (expect ${BOOKINGS}, ${BOOKINGS}, ${BOOKINGS * 2})`,
);
if (confirmed !== BOOKINGS || succeeded !== BOOKINGS || mails !== BOOKINGS * 2) process.exitCode = 1;

// The process sends the queued mail in the background (nudgeEffects → deliverSoon), as the app does after a
// webhook. Let it finish first, so the raw figure below is not measured against leftover mail sending.
const { deliverPendingEmails } = await import("@/lib/mail/service");
const sentDuringEvents = await db.emailMessage.count({ where: { status: "sent" } });
const m0 = performance.now();
while (
  (await deliverPendingEmails(100)).sent > 0 ||
  (await db.emailMessage.count({ where: { status: "pending" } })) > 0
) {
  await new Promise((r) => setTimeout(r, 10));
}
console.log(
  `  mail: ${sentDuringEvents} of ${mails} sent in the background while events were applied; the rest sent in ${((performance.now() - m0) / 1000).toFixed(1)} s before the raw inserts`,
);

// The same database's raw speed at the same concurrency: single-row inserts, each its own transaction.
await db.$executeRawUnsafe(
  "CREATE TABLE bench_raw (id serial PRIMARY KEY, payload jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now())",
);
let inserted = 0;
const r0 = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (inserted < deliveries.length) {
      inserted++;
      await db.$transaction(
        (tx) => tx.$executeRaw`INSERT INTO bench_raw (payload) VALUES (${JSON.stringify({ n: inserted })}::jsonb)`,
      );
    }
  }),
);
const rawRate = inserted / ((performance.now() - r0) / 1000);
console.log(
  `  raw single-row transactional inserts: ${rawRate.toFixed(0)}/s at concurrency ${CONCURRENCY} (fresh events / raw = ${(results.processed / seconds / rawRate).toFixed(2)}×, goal ≥ 0.25×)`,
);
await database.stop();
