/**
 * npm run bench:reconciliation — the reconciliation sweep over BENCH_SESSIONS (10,000) past paid sessions,
 * on a throwaway embedded PostgreSQL (bench/setup.ts), seeded in bulk: private sessions of the last 30 days,
 * each with its paid payment, its closed room, the creator's and the viewer's connections, and (for the
 * offering that always records) a complete recording. A few are broken on purpose, so the run has findings
 * to store: 3% paid but never joined, 1% joined by someone without a purchase, 2% with the recording missing.
 *
 * Runs the sweep (runReconciliation, sessions against their rooms and the findings kept across runs; there
 * is no Stripe key, so the comparison with Stripe is skipped: it is bounded by RECONCILE_LIMIT objects of each
 * kind and measured by nothing here) BENCH_RUNS (3) times after the seed, and prints each run's wall time,
 * the rows it compared per second and the sessions per second. The first run inserts its findings, later ones
 * find the same and update them.
 */
import crypto from "node:crypto";
import os from "node:os";
import { benchDatabase } from "./setup";

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const VIEWERS = 200;
const CHUNK = 2000;

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

  const now = Date.now();
  const span = 30 * 86_400_000;
  const broken = { neverJoined: 0, stranger: 0, recordingMissing: 0 };
  for (let from = 0; from < SESSIONS; from += CHUNK) {
    const bookings = [];
    const payments = [];
    const rooms = [];
    const connections = [];
    const recordings = [];
    for (let i = from; i < Math.min(SESSIONS, from + CHUNK); i++) {
      const startsAt = new Date(now - 2 * 3_600_000 - Math.floor((i / SESSIONS) * span));
      const endsAt = new Date(startsAt.getTime() + 30 * 60_000);
      const alwaysRecorded = i % 5 === 0;
      const viewer = viewers[i % VIEWERS]!;
      const booking = {
        id: id(),
        traceId: id(),
        offeringId: alwaysRecorded ? recorded.id : plain.id,
        creatorId: profile.id,
        viewerId: viewer.id,
        startsAt,
        endsAt,
        status: "completed" as const,
        holdsSlot: false,
        priceCents: 4500,
        currency: "EUR",
      };
      bookings.push(booking);
      payments.push({
        traceId: booking.traceId,
        kind: "booking" as const,
        bookingId: booking.id,
        payerId: viewer.id,
        amountCents: 4500,
        currency: "EUR",
        status: "paid" as const,
        paidAt: new Date(startsAt.getTime() - 86_400_000),
        stripeCheckoutSessionId: `cs_bench_${booking.id}`,
        stripePaymentIntentId: `pi_bench_${booking.id}`,
      });
      const room = {
        id: id(),
        traceId: booking.traceId,
        bookingId: booking.id,
        roomName: `bench-${booking.id}`,
        status: "ended" as const,
        startedAt: startsAt,
        endedAt: endsAt,
        closedAt: endsAt,
        settledAt: endsAt,
        outcome: "completed",
      };
      rooms.push(room);
      const join = (userId: string, role: "viewer" | "creator") => ({
        roomSessionId: room.id,
        userId,
        identity: userId,
        role,
        joinedAt: new Date(startsAt.getTime() + 60_000),
        leftAt: endsAt,
      });
      connections.push(join(creatorUser.id, "creator"));
      if (i % 100 < 3) broken.neverJoined++;
      else connections.push(join(viewer.id, "viewer"));
      if (i % 100 === 50) {
        connections.push(join(stranger.id, "viewer"));
        broken.stranger++;
      }
      if (alwaysRecorded) {
        const missing = i % 50 === 0;
        if (missing) broken.recordingMissing++;
        recordings.push({
          roomSessionId: room.id,
          egressId: `EG_${room.id}`,
          traceId: booking.traceId,
          status: missing ? ("failed" as const) : ("complete" as const),
          startedAt: startsAt,
          endedAt: endsAt,
        });
      }
    }
    await db.booking.createMany({ data: bookings });
    await db.payment.createMany({ data: payments });
    await db.roomSession.createMany({ data: rooms });
    await db.participantConnection.createMany({ data: connections });
    await db.recording.createMany({ data: recordings });
  }
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
