/**
 * npm run bench:sessions — live sessions on this machine, through the product path:
 *
 *  1. Join to first frame. For each join, one child process (this file, `join` mode) holds two real
 *     WebRTC participants (@livekit/rtc-node) of one paid booking: the creator asks Booth's
 *     POST /api/sessions/:id/token for a token, connects to livekit-server and publishes a synthetic
 *     camera; then the viewer's join starts: token request, connect, and the first decoded remote video
 *     frame. Direct (all candidates) and forced relay (iceTransportType relay on both sides, so media
 *     goes through the embedded TURN/UDP) alternate, one process at a time, until each has BENCH_JOINS
 *     successful joins (a warm-up join of each mode is not counted).
 *  2. Token endpoint. 100 signed-in participants of 50 paid sessions POST /api/sessions/:id/token at
 *     once, in rounds, against GET/POST /api/dev/token-baseline (the same signJoinToken with no sign-in,
 *     no database), rounds interleaved, after a warm-up round of each.
 *
 * Its own stack (bench/stack.ts): embedded PostgreSQL, livekit-server and a production build of the app,
 * all stopped and removed at the end, also on failure or Ctrl-C.
 *
 * Knobs: BENCH_JOINS (20 per mode), BENCH_TOKEN_ROUNDS (5 rounds of BENCH_CONCURRENCY=100 per route).
 * Percentiles are nearest-rank.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { nearestRank, startBenchStack } from "./stack";

const root = path.resolve(import.meta.dirname, "..");
const JOINS = Number(process.env.BENCH_JOINS ?? 20);
const MAX_JOIN_ATTEMPTS = JOINS + 10;
const ROUNDS = Number(process.env.BENCH_TOKEN_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 100);

type JoinSpec = {
  mode: "direct" | "relay";
  baseUrl: string;
  bookingId: string;
  creatorCookie: string;
  viewerCookie: string;
};
type JoinResult = {
  ok: boolean;
  error?: string;
  /** Viewer: token request start → first decoded remote video frame. */
  joinToFrameMs?: number;
  tokenMs?: number;
  connectMs?: number;
  /** Viewer: room.connect() call → first frame (no token request). */
  connectToFrameMs?: number;
  path?: { localType: string; protocol: string; relayProtocol: string | null } | null;
};

// ------------------------------------------------------------------ child: one join pair

async function joinChild() {
  const spec = JSON.parse(process.env.BENCH_JOIN!) as JoinSpec;
  const { Room, dispose } = await import("@livekit/rtc-node");
  const lk = await import("../tests/helpers/livekit");
  const relay = spec.mode === "relay";
  const token = async (cookie: string) => {
    const res = await fetch(`${spec.baseUrl}/api/sessions/${spec.bookingId}/token`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ attempt: 1, policy: relay ? "relay" : "all" }),
    });
    if (res.status !== 200)
      throw new Error(`token endpoint answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    return (await res.json()) as { token: string; url: string };
  };
  const publisher = new Room();
  const viewer = new Room();
  const first = lk.firstRemoteFrame(viewer, 30_000);
  first.frame.catch(() => {});
  let result: JoinResult;
  try {
    const creator = await token(spec.creatorCookie);
    await publisher.connect(creator.url, creator.token, lk.roomOptions(relay));
    const camera = await lk.publishSyntheticCamera(publisher);
    const t0 = performance.now();
    const mine = await token(spec.viewerCookie);
    const t1 = performance.now();
    await viewer.connect(mine.url, mine.token, lk.roomOptions(relay));
    const t2 = performance.now();
    await first.frame;
    const t3 = performance.now();
    const p = await lk.selectedPath(viewer);
    result = {
      ok: true,
      joinToFrameMs: t3 - t0,
      tokenMs: t1 - t0,
      connectMs: t2 - t1,
      connectToFrameMs: t3 - t1,
      path: p && { localType: p.localType, protocol: p.protocol, relayProtocol: p.relayProtocol },
    };
    await camera.stop();
  } catch (err) {
    result = { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    first.cancel();
    await viewer.disconnect().catch(() => {});
    await publisher.disconnect().catch(() => {});
  }
  console.log(JSON.stringify(result!));
  await dispose();
  process.exit(0);
}

// ------------------------------------------------------------------ parent: stack, runs, table

async function main() {
  const load = os.loadavg()[0]!;
  if (load >= 2)
    console.log(`! load average is ${load.toFixed(2)} on ${os.cpus().length} cores: figures will be noisy`);
  const t0 = Date.now();
  // Every request still spends from the per-participant budget (its cost is measured); the budget
  // is only large enough that the bench's rounds are not refused.
  const stack = await startBenchStack("sessions", { SESSION_TOKEN_MAX_PER_MINUTE: "100000" });
  const { env, children, phase, livekitBin } = stack;
  try {
    const probe = await fetch(`${env.APP_URL}/api/dev/token-baseline`);
    if (probe.status !== 200)
      throw new Error(`/api/dev/token-baseline answered ${probe.status} with BOOTH_BENCH_ROUTES=1`);

    // Paid sessions in their join window, both participants signed in through next-auth.
    const { paidSession } = await import("../tests/helpers/sessions");
    const { TEST_PASSWORD } = await import("../tests/helpers/factories");
    type Session = { bookingId: string; creatorCookie: string; viewerCookie: string };
    const signedIn = (email: string) => stack.signedIn(email, TEST_PASSWORD);
    async function newSession(): Promise<Session> {
      const s = await paidSession({ startsInMinutes: 1, durationMinutes: 60 });
      const [creatorCookie, viewerCookie] = await Promise.all([
        signedIn(s.creator.user.email),
        signedIn(s.viewer.email),
      ]);
      return { bookingId: s.booking.id, creatorCookie, viewerCookie };
    }
    phase("creating paid sessions and signing in their participants");
    const sessions: Session[] = [];
    for (let i = 0; i < CONCURRENCY / 2; i += 2) sessions.push(...(await Promise.all([newSession(), newSession()])));

    // ---------------------------------------------------------------- join to first frame
    phase(`join to first frame: ${JOINS} direct and ${JOINS} relay joins, one child process each`);
    let used = 0;
    const nextSession = async () => {
      if (used >= sessions.length) sessions.push(await newSession());
      return sessions[used++]!;
    };
    function runJoin(spec: JoinSpec) {
      return new Promise<JoinResult>((resolve) => {
        const child = execFile(
          process.execPath,
          ["--import", "tsx", path.join(root, "bench/sessions.ts"), "join"],
          {
            cwd: root,
            env: { ...process.env, BENCH_JOIN: JSON.stringify(spec), LOG_LEVEL: "silent" },
            timeout: 90_000,
            killSignal: "SIGKILL",
            maxBuffer: 16 << 20,
          },
          (err, stdout) => {
            children.delete(child);
            const line = stdout.trim().split("\n").at(-1) ?? "";
            try {
              resolve(JSON.parse(line) as JoinResult);
            } catch {
              resolve({ ok: false, error: err ? err.message.split("\n")[0] : `no result: ${line.slice(0, 200)}` });
            }
          },
        );
        children.add(child);
      });
    }
    const joins: Record<"direct" | "relay", JoinResult[]> = { direct: [], relay: [] };
    const attempts = { direct: 0, relay: 0 };
    const failures: string[] = [];
    for (const mode of ["direct", "relay"] as const) {
      const warm = await runJoin({ mode, baseUrl: env.APP_URL!, ...(await nextSession()) });
      if (!warm.ok) failures.push(`${mode} warm-up: ${warm.error}`);
    }
    for (let turn = 0; ; turn++) {
      const mode = turn % 2 === 0 ? "direct" : "relay";
      const done = (m: "direct" | "relay") => joins[m].length >= JOINS || attempts[m] >= MAX_JOIN_ATTEMPTS;
      if (done("direct") && done("relay")) break;
      if (done(mode)) continue;
      attempts[mode]++;
      const r = await runJoin({ mode, baseUrl: env.APP_URL!, ...(await nextSession()) });
      if (!r.ok) {
        failures.push(`${mode}: ${r.error}`);
        continue;
      }
      const relayed = r.path?.localType === "RELAY";
      if (mode === "relay" && !relayed)
        failures.push(`relay join took a ${r.path?.localType ?? "unknown"} path (not counted)`);
      else if (mode === "direct" && relayed) failures.push(`direct join went through TURN (not counted)`);
      else joins[mode].push(r);
      process.stdout.write(mode === "direct" ? "d" : "r");
    }
    process.stdout.write("\n");

    // ---------------------------------------------------------------- token endpoint vs bare signing
    phase(`token endpoint: ${ROUNDS} rounds of ${CONCURRENCY} concurrent requests per route, after a warm-up round`);
    const participants = sessions.slice(0, CONCURRENCY / 2).flatMap((s) => [
      { bookingId: s.bookingId, cookie: s.creatorCookie },
      { bookingId: s.bookingId, cookie: s.viewerCookie },
    ]);
    const statuses: Record<string, Record<number, number>> = { endpoint: {}, bare: {} };
    // Server-Timing phases (lib/timing.ts, only sent with BOOTH_BENCH_ROUTES=1), per route, counted rounds only.
    const phaseMs: Record<"endpoint" | "bare", Map<string, number[]>> = { endpoint: new Map(), bare: new Map() };
    let counting = false;
    async function round(kind: "endpoint" | "bare") {
      // The same request for both routes but for the path: cookie, JSON body, POST.
      return Promise.all(
        participants.map(async (p) => {
          const url =
            kind === "endpoint"
              ? `${env.APP_URL}/api/sessions/${p.bookingId}/token`
              : `${env.APP_URL}/api/dev/token-baseline`;
          const s = performance.now();
          const res = await fetch(url, {
            method: "POST",
            headers: { cookie: p.cookie, "content-type": "application/json" },
            body: '{"attempt":1}',
          });
          await res.arrayBuffer();
          const ms = performance.now() - s;
          if (counting)
            for (const m of (res.headers.get("server-timing") ?? "").matchAll(/([\w-]+);dur=([\d.]+)/g)) {
              const xs = phaseMs[kind].get(m[1]!) ?? [];
              xs.push(Number(m[2]));
              phaseMs[kind].set(m[1]!, xs);
            }
          statuses[kind]![res.status] = (statuses[kind]![res.status] ?? 0) + 1;
          return ms;
        }),
      );
    }
    const pause = () => new Promise((r) => setTimeout(r, 300));
    await round("bare");
    await pause();
    await round("endpoint");
    await pause();
    statuses.endpoint = {};
    statuses.bare = {};
    const lat = { endpoint: [] as number[], bare: [] as number[] };
    counting = true;
    for (let r = 0; r < ROUNDS; r++) {
      for (const kind of r % 2 === 0 ? (["endpoint", "bare"] as const) : (["bare", "endpoint"] as const)) {
        lat[kind].push(...(await round(kind)));
        await pause();
      }
    }

    // ---------------------------------------------------------------- report
    const f = (ms: number) => `${Math.round(ms)}`.padStart(6);
    console.log(
      `\nsessions bench — ${os.cpus().length} cores, load ${load.toFixed(2)} at start, livekit-server ${fs.readFileSync(`${livekitBin}.version`, "utf8").trim()}, next start (production)`,
    );
    console.log(
      `Join → first decoded remote video frame (ms), viewer side, from its token request (POST /api/sessions/:id/token, paid booking) to the frame; 1 warm-up join per mode not counted`,
    );
    console.log(`  mode     ok/tries    p50    p95    min    max  | connect→frame p50  p95 | token p50 | path`);
    const med: Record<string, number> = {};
    for (const mode of ["direct", "relay"] as const) {
      const xs = joins[mode];
      if (!xs.length) {
        console.log(`  ${mode.padEnd(7)} 0/${attempts[mode]}`);
        continue;
      }
      const total = xs.map((j) => j.joinToFrameMs!);
      const c2f = xs.map((j) => j.connectToFrameMs!);
      med[mode] = nearestRank(total, 50);
      const paths = [
        ...new Set(
          xs.map((j) =>
            j.path
              ? `${j.path.localType}/${j.path.protocol}${j.path.relayProtocol ? ` via ${j.path.relayProtocol}` : ""}`
              : "?",
          ),
        ),
      ].join(", ");
      console.log(
        `  ${mode.padEnd(7)} ${`${xs.length}/${attempts[mode]}`.padStart(8)} ${f(nearestRank(total, 50))} ${f(nearestRank(total, 95))} ${f(Math.min(...total))} ${f(Math.max(...total))}  |            ${f(nearestRank(c2f, 50))} ${f(nearestRank(c2f, 95))} |    ${f(
          nearestRank(
            xs.map((j) => j.tokenMs!),
            50,
          ),
        )} | ${paths}`,
      );
    }
    if (med.direct && med.relay) console.log(`  relay / direct (p50): ${(med.relay / med.direct).toFixed(2)}×`);
    if (failures.length)
      console.log(`  not counted: ${failures.length}\n    ${[...new Set(failures)].slice(0, 6).join("\n    ")}`);
    console.log(
      `Token requests, ${CONCURRENCY} concurrent, ${ROUNDS} rounds each (${lat.endpoint.length} samples), client-side latency (ms)`,
    );
    const e50 = nearestRank(lat.endpoint, 50),
      e99 = nearestRank(lat.endpoint, 99),
      b50 = nearestRank(lat.bare, 50),
      b99 = nearestRank(lat.bare, 99);
    const st = (k: string) =>
      Object.entries(statuses[k]!)
        .map(([s, n]) => `${n}×${s}`)
        .join(" ");
    console.log(`  POST /api/sessions/:id/token   p50 ${f(e50)}  p99 ${f(e99)}   (${st("endpoint")})`);
    console.log(`  POST /api/dev/token-baseline   p50 ${f(b50)}  p99 ${f(b99)}   (${st("bare")})`);
    console.log(
      `  endpoint / bare: p50 ${(e50 / b50).toFixed(2)}×, p99 ${(e99 / b99).toFixed(2)}×   (goal ≤ 1.50× at both)`,
    );
    for (const kind of ["endpoint", "bare"] as const) {
      if (!phaseMs[kind].size) continue;
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const total = mean(lat[kind]);
      let inPhases = 0;
      const parts = [...phaseMs[kind]].map(([name, xs]) => {
        inPhases += mean(xs);
        return `${name} ${mean(xs).toFixed(1)}`;
      });
      console.log(
        `  where the time goes, ${kind}, mean ms per request (Server-Timing): ${parts.join(", ")}; ` +
          `outside these (queueing, framework, network) ${(total - inPhases).toFixed(1)} of ${total.toFixed(1)}`,
      );
    }
    console.log(`finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const ok =
      joins.direct.length >= JOINS && joins.relay.length >= JOINS && Object.keys(statuses.endpoint!).join() === "200";
    if (!ok) process.exitCode = 1;
  } catch (err) {
    console.error(`\n✗ ${err instanceof Error ? err.message : err}`);
    stack.printLogs();
    process.exitCode = 1;
  } finally {
    await stack.teardown();
  }
  process.exit(process.exitCode ?? 0);
}

if (process.argv[2] === "join") await joinChild();
else await main();
