/**
 * npm run bench:reconciliation — the reconciliation sweep over BENCH_SESSIONS (10,000) past paid sessions,
 * on a throwaway embedded PostgreSQL (bench/setup.ts), seeded set-based in SQL (a few INSERT … SELECT over
 * generate_series, seconds): private sessions of the last 30 days, each with its paid payment, its closed
 * room, the creator's and the viewer's connections, and (for the offering that always records, 1 in 5) a
 * recording. A few are broken on purpose, so the run has findings to store: 3% paid but never joined, 1%
 * joined by someone without a purchase, 2% with a failed recording and no complete one.
 *
 * Runs the sweep (runReconciliation: sessions against their rooms, and the findings kept across runs; there
 * is no Stripe key, so the comparison with Stripe is skipped: it is bounded by RECONCILE_LIMIT objects of
 * each kind and not measured here) BENCH_RUNS (3) times after the seed, and prints each run's wall time, the
 * rows it compared per second and the sessions per second. The first run inserts its findings, later ones
 * find the same and update them.
 */
import crypto from "node:crypto";
import os from "node:os";
import { benchDatabase } from "./setup";

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const VIEWERS = 200;

const load = os.loadavg()[0]!;
if (load >= 2) console.log(`! load average is ${load.toFixed(2)} on ${os.cpus().length} cores: figures will be noisy`);

const database = await benchDatabase();
try {
  const { db } = await import("@/lib/db");
  const { runReconciliation } = await import("@/lib/payments/reconciliation");
  const id = () => crypto.randomUUID();
  const seedStart = performance.now();

  const creatorUser = await db.user.create({
    data: { email: `creator-${Date.now()}@bench.test`, name: "Bench Creator", passwordHash: "x", role: "creator" },
  });
  const profile = await db.creatorProfile.create({
    data: {
      userId: creatorUser.id,
      slug: `bench-${Date.now()}`,
      displayName: "Bench Creator",
      timeZone: "Europe/Lisbon",
      published: true,
    },
  });
  const offering = (recordingPolicy: "never" | "always") =>
    db.offering.create({
      data: {
        creatorId: profile.id,
        kind: "private_session",
        title: `Bench session (${recordingPolicy})`,
        durationMinutes: 30,
        priceCents: 4500,
        currency: "EUR",
        recordingPolicy,
      },
    });
  const plain = await offering("never");
  const recorded = await offering("always");
  const viewers = Array.from({ length: VIEWERS }, (_, i) => ({
    id: id(),
    email: `viewer-${i}-${Date.now()}@bench.test`,
    name: `Bench Viewer ${i}`,
    passwordHash: "x",
  }));
  await db.user.createMany({ data: viewers });
  const stranger = await db.user.create({
    data: { email: `stranger-${Date.now()}@bench.test`, name: "Bench Stranger", passwordHash: "x" },
  });

  // Set-based, in SQL (a few statements over generate_series): session i started (i / SESSIONS) of 30 days
  // before two hours ago and lasted 30 minutes; its ids are derived from i.
  const now = new Date();
  const n = SESSIONS;
  const viewerIds = viewers.map((v) => v.id);
  await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`
        CREATE TEMP TABLE bench_sessions ON COMMIT DROP AS
        SELECT i, ${now}::timestamp - interval '2 hours' - (i::float8 / ${n}) * interval '30 days' AS "startsAt",
               (${viewerIds}::text[])[1 + i % ${VIEWERS}] AS viewer
          FROM generate_series(0, ${n} - 1) AS i`;
      await tx.$executeRaw`
        INSERT INTO bookings (id, "traceId", "offeringId", "creatorId", "viewerId", "startsAt", "endsAt", status,
                              "holdsSlot", "priceCents", currency, "updatedAt")
        SELECT 'bk-' || i, 'tr-' || i, CASE WHEN i % 5 = 0 THEN ${recorded.id} ELSE ${plain.id} END, ${profile.id},
               viewer, "startsAt", "startsAt" + interval '30 minutes', 'completed', false, 4500, 'EUR', ${now}::timestamp
          FROM bench_sessions`;
      await tx.$executeRaw`
        INSERT INTO payments (id, "traceId", kind, "bookingId", "payerId", "stripeCheckoutSessionId",
                              "stripePaymentIntentId", "amountCents", currency, status, "paidAt", "updatedAt")
        SELECT 'pay-' || i, 'tr-' || i, 'booking', 'bk-' || i, viewer, 'cs_bench_' || i, 'pi_bench_' || i, 4500, 'EUR',
               'paid', "startsAt" - interval '1 day', ${now}::timestamp
          FROM bench_sessions`;
      await tx.$executeRaw`
        INSERT INTO room_sessions (id, "traceId", "bookingId", "roomName", status, "startedAt", "endedAt", "closedAt",
                                   "settledAt", outcome, "updatedAt")
        SELECT 'rs-' || i, 'tr-' || i, 'bk-' || i, 'bench-' || i, 'ended', "startsAt", "startsAt" + interval '30 minutes',
               "startsAt" + interval '30 minutes', "startsAt" + interval '30 minutes', 'completed', ${now}::timestamp
          FROM bench_sessions`;
      // The creator in every room; the viewer in all but 3 in 100; a stranger in 1 in 100.
      await tx.$executeRaw`
        INSERT INTO participant_connections (id, "roomSessionId", "userId", identity, role, "joinedAt", "leftAt",
                                             "updatedAt")
        SELECT who || '-' || i, 'rs-' || i, uid, uid, role::"Role", "startsAt" + interval '1 minute',
               "startsAt" + interval '30 minutes', ${now}::timestamp
          FROM bench_sessions,
               LATERAL (VALUES ('pc-creator', ${creatorUser.id}, 'creator'),
                               ('pc-viewer', CASE WHEN i % 100 >= 3 THEN viewer END, 'viewer'),
                               ('pc-stranger', CASE WHEN i % 100 = 50 THEN ${stranger.id} END, 'viewer')) AS c(who, uid, role)
         WHERE uid IS NOT NULL`;
      // The always-recorded offering (1 in 5): a complete recording, but a failed one in 1 in 50 sessions.
      await tx.$executeRaw`
        INSERT INTO recordings (id, "roomSessionId", "egressId", "traceId", status, "startedAt", "endedAt", "updatedAt")
        SELECT 'rec-' || i, 'rs-' || i, 'EG_bench_' || i, 'tr-' || i,
               (CASE WHEN i % 50 = 0 THEN 'failed' ELSE 'complete' END)::"RecordingStatus",
               "startsAt", "startsAt" + interval '30 minutes', ${now}::timestamp
          FROM bench_sessions WHERE i % 5 = 0`;
    },
    { timeout: 600_000 },
  );
  const broken = {
    neverJoined: Array.from({ length: n }, (_, i) => i).filter((i) => i % 100 < 3).length,
    stranger: Array.from({ length: n }, (_, i) => i).filter((i) => i % 100 === 50).length,
    recordingMissing: Array.from({ length: n }, (_, i) => i).filter((i) => i % 50 === 0).length,
  };
  await db.$executeRawUnsafe("ANALYZE");
  const seedMs = performance.now() - seedStart;
  console.log(
    `seeded ${SESSIONS} past sessions in ${(seedMs / 1000).toFixed(1)} s (expected findings: ${broken.neverJoined} paid but never joined, ${broken.stranger} joined without a purchase, ${broken.recordingMissing} recording missing)`,
  );

  const rows: string[][] = [];
  for (let r = 1; r <= RUNS; r++) {
    const t0 = performance.now();
    const run = (await runReconciliation({ trigger: "admin", recordings: true }))!;
    const ms = performance.now() - t0;
    rows.push([
      String(r),
      `${ms.toFixed(0)} ms`,
      String(run.checkedSessions),
      String(run.mismatches),
      `${Math.round((run.checkedSessions * 1000) / ms)}`,
      `${Math.round((SESSIONS * 1000) / ms)}`,
    ]);
  }
  const open = await db.reconciliationFinding.groupBy({ by: ["kind"], where: { resolvedAt: null }, _count: true });
  const head = ["run", "wall time", "rows compared", "findings", "rows/s", "sessions/s"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join("  ");
  console.log(`\nreconciliation sweep over ${SESSIONS} sessions (no Stripe key: sessions against their rooms only)`);
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log(`open findings: ${open.map((o) => `${o.kind} ${o._count}`).join(", ")}`);
} finally {
  await database.stop();
}
