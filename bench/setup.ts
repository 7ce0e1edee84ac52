/**
 * Shared bench setup: a throwaway embedded PostgreSQL (the same server `npm run dev` uses), migrated,
 * and the environment Booth's modules read, set before any of them is imported.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { applyMigrations } from "../scripts/db/migrate";
import { freePort } from "../scripts/services/proc";
import { startEmbeddedPostgres } from "../scripts/services/postgres";
import { ensurePrismaClient } from "../scripts/services/tools";

export async function benchDatabase() {
  ensurePrismaClient();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "booth-bench-"));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port: await freePort(), persistent: false });
  await pg.createDatabase("bench");
  const url = pg.url("bench");
  await applyMigrations(url);
  Object.assign(process.env, {
    NODE_ENV: "development",
    LOG_LEVEL: "silent",
    DATABASE_URL: url,
    AUTH_SECRET: "bench-secret-bench-secret-bench-secret-00",
    LIVEKIT_API_KEY: "devkey",
    LIVEKIT_API_SECRET: "bench-livekit-secret-bench-livekit-secret",
    STRIPE_WEBHOOK_SECRET: "whsec_bench_bench_bench_bench_0123",
    APP_URL: "http://127.0.0.1:3000",
  });
  const dataDir = path.join(dir, "pg");
  return {
    url,
    /** CPU time (ms) used so far by this PostgreSQL's processes that are still running (its postmaster's children). */
    cpuMs() {
      const postmaster = fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]!.trim();
      const tick = 1000 / 100; // USER_HZ
      let ms = 0;
      for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
        try {
          // Fields after the command name: state ppid … utime (14th) stime (15th).
          const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
          const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
          if (pid === postmaster || f[1] === postmaster) ms += (Number(f[11]) + Number(f[12])) * tick;
        } catch {
          // the process ended meanwhile
        }
      }
      return ms;
    },
    async stop() {
      const { db } = await import("@/lib/db");
      await db.$disconnect();
      await pg.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A creator with a private 60-minute offering, open every day all day, in Europe/Lisbon. */
export async function benchCreator() {
  const { db } = await import("@/lib/db");
  const user = await db.user.create({
    data: {
      email: `creator-${Date.now()}@bench.test`,
      name: "Bench Creator",
      passwordHash: "x",
      role: "creator",
      emailVerifiedAt: new Date(),
    },
  });
  const profile = await db.creatorProfile.create({
    data: {
      userId: user.id,
      slug: `bench-${Date.now()}`,
      displayName: "Bench Creator",
      timeZone: "Europe/Lisbon",
      published: true,
    },
  });
  const offering = await db.offering.create({
    data: {
      creatorId: profile.id,
      kind: "private_session",
      title: "Bench session",
      durationMinutes: 60,
      priceCents: 4500,
      currency: "EUR",
      minNoticeMinutes: 60,
      horizonDays: 365,
    },
  });
  await db.availabilityRule.createMany({
    data: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ creatorId: profile.id, weekday, startMinute: 0, endMinute: 1440 })),
  });
  const viewer = await db.user.create({
    data: {
      email: `viewer-${Date.now()}@bench.test`,
      name: "Bench Viewer",
      passwordHash: "x",
      emailVerifiedAt: new Date(),
    },
  });
  return { profile, offering, viewer };
}
