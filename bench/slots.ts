/**
 * npm run bench:slots — latency of the slot query (getOpenSlots, what the booking page runs) for a
 * creator with a year of bookings: 8 confirmed one-hour sessions a day for 365 days.
 */
import { benchCreator, benchDatabase, percentile } from "./setup";

const RUNS = Number(process.env.BENCH_RUNS ?? 300);
const database = await benchDatabase();
const { db } = await import("@/lib/db");
const { getOpenSlots } = await import("@/lib/bookings/queries");
const { offering, profile, viewer } = await benchCreator();

const day0 = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 182 * 86_400_000;
const rows = [];
for (let d = 0; d < 365; d++) {
  for (const hour of [8, 9, 10, 11, 14, 15, 16, 17]) {
    const startsAt = new Date(day0 + d * 86_400_000 + hour * 3_600_000);
    rows.push({
      offeringId: offering.id,
      creatorId: profile.id,
      viewerId: viewer.id,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3_600_000),
      status: "confirmed" as const,
      holdsSlot: true,
      priceCents: 4500,
      currency: "EUR",
    });
  }
}
await db.booking.createMany({ data: rows });
await db.$executeRawUnsafe("ANALYZE bookings");

async function measure(days: number) {
  const times: number[] = [];
  let slots = 0;
  for (let i = 0; i < 20; i++) await getOpenSlots(offering.id, { days }, "default"); // warm-up
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    slots = (await getOpenSlots(offering.id, { days }, "default"))!.slots.length;
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), slots };
}

console.log(`slot query bench: creator with ${rows.length} confirmed bookings over a year, ${RUNS} runs each`);
for (const days of [14, 60]) {
  const r = await measure(days);
  console.log(`  ${days}-day window (${r.slots} open slots): p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`);
}
await database.stop();
