/**
 * A throwaway stack for the benches that go through the product path (bench/sessions.ts, bench/group.ts):
 * embedded PostgreSQL (migrated), livekit-server with scripts/services/livekit.yaml on free ports, and a
 * production build of the app (`next build` + `next start`, BOOTH_BENCH_ROUTES=1).
 * The app is built from a copy of the working tree in a temp folder (node_modules hard-linked), because
 * `next build` into a new dist dir adds that dir to tsconfig.json's include, a file others are editing;
 * that build skips type checking (npm run typecheck does it), so a file someone is half-way through
 * does not stop the bench.
 * Everything is stopped and removed by teardown(), which also runs on Ctrl-C and on exit.
 */
import { type ChildProcess, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildAppCopy } from "./app-build";

export function nearestRank(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export type BenchStack = {
  env: NodeJS.ProcessEnv;
  tmp: string;
  livekitBin: string;
  /** Child processes to kill on teardown (participants); remove them when they end. */
  children: Set<ChildProcess>;
  /** Prints `› name (N s)`, the time since the bench started. */
  phase: (name: string) => void;
  /** Signs `email` in through next-auth from its own address; returns the Cookie header. */
  signedIn: (email: string, password: string) => Promise<string>;
  /** CPU seconds used so far by the app's, livekit-server's and (with `recording`) Egress's process groups (from /proc). */
  cpuSeconds: () => { app: number; livekit: number; egress: number };
  /** The last lines of the app's and livekit-server's logs, for a failure. */
  printLogs: () => void;
  teardown: () => Promise<void>;
};

/**
 * Starts the stack. `appEnv` adds to (or overrides) the app's environment; the Booth variables the bench's own
 * process needs (database, secrets, test checkout, BOOTH_BASE_URL) are copied into process.env, so that
 * modules imported afterwards (lib/db, tests/helpers) talk to this stack.
 */
export async function startBenchStack(
  name: string,
  appEnv: Record<string, string> = {},
  opts: { recording?: boolean } = {},
): Promise<BenchStack> {
  const { default: exitHook } = await import("async-exit-hook");
  const { applyMigrations } = await import("../scripts/db/migrate");
  const { writeLivekitConfig } = await import("../scripts/services/livekit");
  const { startEmbeddedPostgres } = await import("../scripts/services/postgres");
  const { freePort, httpOk, portOpen, startService, waitFor } = await import("../scripts/services/proc");
  const { ensureGoTool, ensurePrismaClient, goMissingHelp } = await import("../scripts/services/tools");

  const t0 = Date.now();
  const phase = (what: string) => console.log(`› ${what} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `booth-bench-${name}-`));
  fs.chmodSync(tmp, 0o755); // as root, PostgreSQL runs as "postgres" and must reach its data folder
  const services: { stop: () => Promise<void> }[] = [];
  const children = new Set<ChildProcess>();
  let pgStop: (() => Promise<void>) | null = null;
  let dbDisconnect: (() => Promise<void>) | null = null;
  let stopping = false;
  async function teardown() {
    if (stopping) return;
    stopping = true;
    for (const c of children)
      if (c.pid && c.exitCode === null)
        try {
          process.kill(c.pid, "SIGKILL");
        } catch {}
    if (dbDisconnect) await dbDisconnect().catch(() => {});
    for (const s of services.reverse()) await s.stop().catch(() => {});
    if (pgStop) await pgStop().catch(() => {});
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  exitHook((done) => void teardown().finally(done));
  const printLogs = () => {
    for (const log of ["next.log", "livekit.log", "egress.log"]) {
      const p = path.join(tmp, log);
      if (fs.existsSync(p))
        console.error(`--- last lines of ${log} ---\n${fs.readFileSync(p, "utf8").split("\n").slice(-30).join("\n")}`);
    }
  };

  try {
    phase("preparing tools");
    ensurePrismaClient();
    const livekitBin = ensureGoTool("livekit-server");
    if (!livekitBin) throw new Error(goMissingHelp("livekit-server"));

    phase("starting PostgreSQL");
    const pg = await startEmbeddedPostgres({
      dataDir: path.join(tmp, "pg"),
      port: await freePort(),
      persistent: false,
    });
    pgStop = pg.stop;
    await pg.createDatabase("booth_bench");
    const databaseUrl = pg.url("booth_bench");
    await applyMigrations(databaseUrl);

    const ports = {
      http: await freePort(),
      tcp: await freePort(),
      udp: await freePort(),
      turn: await freePort(),
      app: await freePort(),
      redis: await freePort(),
      egressHealth: await freePort(),
      egressTemplate: await freePort(),
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      TZ: "UTC",
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_DIST_DIR: ".next-bench",
      LOG_LEVEL: "warn",
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: "bench-secret-bench-secret-bench-secret-0123",
      APP_URL: `http://127.0.0.1:${ports.app}`,
      LIVEKIT_URL: `ws://127.0.0.1:${ports.http}`,
      LIVEKIT_API_KEY: "devkey",
      LIVEKIT_API_SECRET: "bench-livekit-secret-bench-livekit-secret",
      TRUSTED_PROXY_HOPS: "1",
      BOOTH_TEST_CHECKOUT: "1",
      STRIPE_WEBHOOK_SECRET: "whsec_bench_booth_webhook_secret_0123456789",
      MAIL_OUTBOX: "1",
      BOOTH_BENCH_ROUTES: "1",
      ...(opts.recording
        ? {
            RECORDING_ENABLED: "1",
            RECORDING_SPOOL_DIR: path.join(tmp, "egress-spool"),
            STORAGE_DIR: path.join(tmp, "storage"),
          }
        : {}),
      ...appEnv,
    };
    for (const k of [
      "DATABASE_URL",
      "AUTH_SECRET",
      "LIVEKIT_URL",
      "LIVEKIT_API_KEY",
      "LIVEKIT_API_SECRET",
      "STRIPE_WEBHOOK_SECRET",
      "BOOTH_TEST_CHECKOUT",
      "MAIL_OUTBOX",
      "TRUSTED_PROXY_HOPS",
      "RECORDING_ENABLED",
      "RECORDING_SPOOL_DIR",
      "STORAGE_DIR",
    ])
      process.env[k] = env[k];
    process.env.LOG_LEVEL = "silent";
    process.env.BOOTH_BASE_URL = env.APP_URL;

    // Recording: Redis shared by livekit-server and LiveKit Egress (built by scripts/services/egress.ts).
    let redisAddress: string | undefined;
    if (opts.recording) {
      const { ensureRedisServer, startRedis } = await import("../scripts/services/redis");
      const redisBin = ensureRedisServer();
      if (!redisBin) throw new Error("recording benches need redis-server");
      const redis = await startRedis({ bin: redisBin, port: ports.redis, logFile: path.join(tmp, "redis.log") });
      services.push(redis);
      redisAddress = redis.address;
    }
    phase("starting livekit-server");
    const lkConfig = writeLivekitConfig(tmp, ports, null, env.LIVEKIT_API_KEY, redisAddress);
    const lk = startService("livekit-server", livekitBin, ["--config", lkConfig], {
      env: { ...env, LIVEKIT_KEYS: `${env.LIVEKIT_API_KEY}: ${env.LIVEKIT_API_SECRET}` },
      logFile: path.join(tmp, "livekit.log"),
    });
    services.push(lk);

    phase("copying the working tree and building the app (next build)");
    const appDir = path.join(tmp, "app");
    const next = buildAppCopy(appDir, env);
    phase("starting the app (next start)");
    // BENCH_APP_NODE_ARGS go to the app's node only (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it).
    const nodeArgs = process.env.BENCH_APP_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
    const startArgs = ["start", "--port", String(ports.app), "--hostname", "127.0.0.1"];
    const app = startService(
      "next",
      nodeArgs.length ? process.execPath : next,
      nodeArgs.length ? [...nodeArgs, fs.realpathSync(next), ...startArgs] : startArgs,
      {
        cwd: appDir,
        env,
        logFile: path.join(tmp, "next.log"),
      },
    );
    services.push(app);
    await waitFor("livekit-server", () => portOpen(ports.http), 20_000, lk);
    await waitFor("next start", () => httpOk(`${env.APP_URL}/api/health`), 60_000, app);
    let egressPid: number | undefined;
    if (opts.recording) {
      phase("building (first run only) and starting LiveKit Egress");
      const { buildEgressInBackground, startEgress, writeEgressConfig } = await import("../scripts/services/egress");
      const build = await buildEgressInBackground(path.join(tmp, "egress-build.log"));
      if (!build.ok) throw new Error(`recording is off: ${build.reason}`);
      const egress = await startEgress({
        bin: build.bin,
        configFile: writeEgressConfig({
          dir: tmp,
          apiKey: env.LIVEKIT_API_KEY!,
          apiSecret: env.LIVEKIT_API_SECRET!,
          wsUrl: env.LIVEKIT_URL!,
          redisAddress: redisAddress!,
          healthPort: ports.egressHealth,
          templatePort: ports.egressTemplate,
        }),
        spoolDir: env.RECORDING_SPOOL_DIR!,
        healthPort: ports.egressHealth,
        logFile: path.join(tmp, "egress.log"),
      });
      services.push(egress);
      egressPid = egress.child.pid;
    }

    const { db } = await import("@/lib/db");
    dbDisconnect = () => db.$disconnect();
    const { HttpClient } = await import("../tests/helpers/http");
    let ip = 0;
    async function signedIn(email: string, password: string) {
      const c = new HttpClient();
      const n = ++ip;
      const res = await c.signIn(email, password, `198.18.${(n >> 8) & 255}.${n & 255}`);
      if (!c.hasSession()) throw new Error(`sign-in of ${email} failed (${res.status})`);
      return c.cookieHeader();
    }
    const cpuSeconds = () => ({
      app: groupCpuSeconds(app.child.pid),
      livekit: groupCpuSeconds(lk.child.pid),
      // Egress runs each recording in a handler process of its own session (setsid): its children count too.
      egress: egressPid ? cpuSecondsWhere((_, g, parent) => g === egressPid || parent === egressPid) : 0,
    });
    return { env, tmp, livekitBin, children, phase, signedIn, cpuSeconds, printLogs, teardown };
  } catch (err) {
    printLogs();
    await teardown();
    throw err;
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User and system CPU seconds of the processes `match` picks by pid, process group and parent (from /proc). */
function cpuSecondsWhere(match: (pid: number, pgrp: number, ppid: number) => boolean) {
  let ticks = 0;
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from the 3rd (state) on
      if (!match(Number(pid), Number(fields[2]), Number(fields[1]))) continue; // ppid, pgrp: the 4th and 5th
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime: the 14th and 15th
    } catch {}
  }
  return ticks / CLOCK_TICKS;
}

/** CPU seconds of every process in process group `pgid` (a service and what it spawned). */
const groupCpuSeconds = (pgid: number | undefined) => (pgid ? cpuSecondsWhere((_, g) => g === pgid) : 0);

/** CPU seconds of the processes `pids` (threads included: rtc-node's media threads are the process's). */
export const processCpuSeconds = (pids: (number | undefined)[]) => cpuSecondsWhere((p) => pids.includes(p));
