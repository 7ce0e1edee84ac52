/**
 * One run of the webhook bench (bench/webhooks.ts runs it beside the code before the purchase pipeline):
 * Stripe webhook events processed per second on the embedded PostgreSQL.
 * Each event is signed, verified, deduplicated and applied exactly as /api/stripe/webhook does
 * (processStripeWebhook, in process, so HTTP is not measured). A share of deliveries are duplicates,
 * mixed in at random, as Stripe's at-least-once delivery produces.
 *
 * BENCH_PROFILE=1 also prints where a fresh event's time goes: every SQL statement the events issued
 * (Prisma's query log, grouped by statement), how many per fresh event and their time, and the signature
 * check alone.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchCreator, benchDatabase, percentile } from "./setup";

const BOOKINGS = Number(process.env.BENCH_EVENTS ?? 600);
const DUPLICATE_SHARE = 0.25;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const PROFILE = process.env.BENCH_PROFILE === "1";

const database = await benchDatabase();
const profile = PROFILE ? await profiledDb() : null;
const { db } = await import("@/lib/db");
const { processStripeWebhook } = await import("@/lib/payments/webhook");
const { signedTestEvent } = await import("@/lib/payments/test-events");
const { purchases } = await import("@/lib/runtime/purchases");
// As the app server does at start: this process runs the outbox effects it writes, right after each commit.
(await import("@/lib/runtime/effects")).installEffects();
const { offering, profile: creator, viewer } = await benchCreator();

// Pending bookings with open checkouts, one hour apart, starting tomorrow.
const start = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000;
const ids = Array.from({ length: BOOKINGS }, (_, i) => i);
await db.booking.createMany({
  data: ids.map((i) => ({
    id: `bk_${i}`,
    offeringId: offering.id,
    creatorId: creator.id,
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
await profile?.start();
const cpu0 = { node: process.cpuUsage(), pg: PROFILE ? database.cpuMs() : 0 };
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
await profile?.stop();
const nodeCpu = process.cpuUsage(cpu0.node);
const cpu = { nodeMs: (nodeCpu.user + nodeCpu.system) / 1000, pgMs: PROFILE ? database.cpuMs() - cpu0.pg : 0 };
latencies.sort((a, b) => a - b);

// Work an event leaves to the outbox (composing the confirmation mail) runs after its commit, in the
// background of this process as in the app's; what the burst left is finished before the ledger check.
const { runMine, settleNudges } = await import("@/lib/ops/outbox");
const effects = {
  total: await db.outboxEffect.count(),
  doneDuring: await db.outboxEffect.count({ where: { status: "done" } }),
};
const e0 = performance.now();
for (let pass = 0; pass < 100 && (await db.outboxEffect.count({ where: { status: "pending" } })) > 0; pass++) {
  await settleNudges();
  await runMine();
}
const effectsDrainS = (performance.now() - e0) / 1000;
for (const e of await db.outboxEffect.findMany({ where: { status: { not: "done" } }, take: 3 }))
  console.log(`  outbox effect ${e.id} (${e.type}) still ${e.status} after ${e.attempts} attempts: ${e.lastError}`);
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
console.log(
  `  outbox: ${effects.doneDuring} of ${effects.total} effects (confirmation mails to compose) run in the background while events were applied; the rest in ${effectsDrainS.toFixed(1)} s after`,
);
const ledgerExact = confirmed === BOOKINGS && succeeded === BOOKINGS && mails === BOOKINGS * 2;
if (profile) {
  const { stripe } = await import("@/lib/payments/stripe");
  const s0 = performance.now();
  for (const d of deliveries)
    stripe().webhooks.constructEvent(d.payload, d.signature, process.env.STRIPE_WEBHOOK_SECRET!);
  profile.print({
    fresh: results.processed,
    wallMs: latencies.reduce((a, b) => a + b, 0),
    signatureMs: performance.now() - s0,
    cpu,
    seconds,
  });
}

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
const rawCpu0 = { node: process.cpuUsage(), pg: PROFILE ? database.cpuMs() : 0 };
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
if (PROFILE) {
  const nodeCpu = process.cpuUsage(rawCpu0.node);
  console.log(
    `  profile: CPU per raw insert: this process ${((nodeCpu.user + nodeCpu.system) / 1000 / inserted).toFixed(1)} ms, PostgreSQL ${((database.cpuMs() - rawCpu0.pg) / inserted).toFixed(1)} ms`,
  );
}
console.log(
  `  raw single-row transactional inserts: ${rawRate.toFixed(0)}/s at concurrency ${CONCURRENCY} (fresh events / raw = ${(results.processed / seconds / rawRate).toFixed(2)}×, goal ≥ 0.25×)`,
);
await database.stop();
// Fails the run (bench/webhooks.ts stops on it), however the modules above leave process.exitCode.
if (!ledgerExact) {
  console.log("  ledger check FAILED: the figures above are not of a correct run");
  process.exit(1);
}

/**
 * BENCH_PROFILE: the app's Prisma client (lib/db keeps one per process on globalThis outside production)
 * replaced, before anything imports it, by one that logs every statement with its duration.
 */
async function profiledDb() {
  const { PrismaClient } = await import("@/lib/generated/prisma/client");
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const client = new PrismaClient({
    adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL! }),
    transactionOptions: { maxWait: 10_000, timeout: 15_000 }, // lib/db's TRANSACTION_OPTIONS
    log: [{ emit: "event", level: "query" }],
  });
  const byStatement = new Map<string, { count: number; ms: number }>();
  let on = false;
  client.$on("query", (e) => {
    if (!on) return;
    // One line per kind of statement: its first words, schema and column lists dropped.
    const label = e.query
      .replace(/"public"\./g, "")
      .replace(/\s+/g, " ")
      .replace(/^SELECT .*? FROM/, "SELECT … FROM")
      .replace(/\([^()]*\) VALUES .*/, "(…) VALUES …")
      .slice(0, 90);
    const row = byStatement.get(label) ?? { count: 0, ms: 0 };
    row.count++;
    row.ms += e.duration;
    byStatement.set(label, row);
  });
  (globalThis as { boothDb?: unknown }).boothDb = client;
  // A CPU profile of this process while events are applied (open it in Chrome's DevTools, Performance tab).
  const { Session } = await import("node:inspector/promises");
  const inspector = new Session();
  inspector.connect();
  const cpuProfile = path.join(os.tmpdir(), `webhooks-${process.pid}.cpuprofile`);
  return {
    async start() {
      on = true;
      await inspector.post("Profiler.enable");
      await inspector.post("Profiler.start");
    },
    async stop() {
      on = false;
      const { profile } = await inspector.post("Profiler.stop");
      fs.writeFileSync(cpuProfile, JSON.stringify(profile));
      inspector.disconnect();
    },
    print({
      fresh,
      wallMs,
      signatureMs,
      cpu,
      seconds,
    }: {
      fresh: number;
      wallMs: number;
      signatureMs: number;
      cpu: { nodeMs: number; pgMs: number };
      seconds: number;
    }) {
      const rows = [...byStatement].sort((a, b) => b[1].ms - a[1].ms);
      const statements = rows.reduce((n, [, r]) => n + r.count, 0);
      const sqlMs = rows.reduce((n, [, r]) => n + r.ms, 0);
      console.log(
        `  profile (all deliveries; per fresh event): ${(statements / fresh).toFixed(1)} statements logged, ${(sqlMs / fresh).toFixed(1)} ms in them, ${(wallMs / fresh).toFixed(1)} ms of delivery time (concurrency ${CONCURRENCY})`,
      );
      for (const [label, r] of rows)
        console.log(
          `    ${(r.count / fresh).toFixed(2).padStart(5)}× ${(r.ms / fresh).toFixed(2).padStart(6)} ms  ${label}`,
        );
      console.log(
        `    signature check alone: ${(signatureMs / fresh).toFixed(2)} ms per fresh event (all deliveries, one at a time)`,
      );
      console.log(
        `    CPU per fresh event: this process ${(cpu.nodeMs / fresh).toFixed(1)} ms, PostgreSQL ${(cpu.pgMs / fresh).toFixed(1)} ms (of ${((seconds * 1000) / fresh).toFixed(1)} ms wall time per fresh event; backends that ended are not counted)`,
      );
      console.log(`    CPU profile of this process while events were applied: ${cpuProfile}`);
      console.log(
        `    not in a logged statement (transaction begin/commit, pool waits, JavaScript): ${((wallMs - sqlMs - signatureMs) / fresh).toFixed(1)} ms`,
      );
    },
  };
}
