/**
 * npm run bench:group — group shows on this machine, through the product path, on its own stack
 * (bench/stack.ts: embedded PostgreSQL, livekit-server, a production build of the app):
 *
 *  1. Ticket-sale storm. BENCH_BUYERS (500) viewers, signed in through next-auth, POST
 *     /api/shows/:id/tickets at once for BENCH_SEATS (100) seats. Prints the seats sold (must be exactly
 *     BENCH_SEATS), the answers by status and the checkout request's p50/p99 (client side).
 *  2. Join storm. The show's creator takes a token from POST /api/shows/:id/token and publishes a
 *     synthetic camera (a real @livekit/rtc-node participant, 160×120 at 10 fps: every viewer here decodes
 *     it on the same two cores as the server, where real viewers decode on their own devices, so the
 *     picture is kept small); then BENCH_STORM (100) ticket holders enter
 *     within BENCH_STORM_WINDOW_MS (10 s), evenly spread: each asks Booth for its token, connects to
 *     livekit-server and waits for the first decoded frame of the creator's video. Viewers run 25 to a
 *     process (this file, `viewers` mode). The same with BENCH_BASE (25) viewers in another show, in the
 *     same window, for the ratio. A warm-up of 5 viewers in a third show runs first and is not counted.
 *     Prints join success, token request p50/p99 and join → first frame p50/p95 for each, and the p95 ratio
 *     (goal: every join succeeds, and p95 at 100 viewers at most 2× that at 25).
 *
 * Also prints the CPU seconds the app and livekit-server used during each storm (from /proc) beside the
 * wall time, which says whether a storm waited on them or on the machine. Percentiles are nearest-rank. Everything is stopped and removed at the end, also on failure or Ctrl-C.
 */
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { nearestRank, processCpuSeconds, startBenchStack } from "./stack";

const root = path.resolve(import.meta.dirname, "..");
const BUYERS = Number(process.env.BENCH_BUYERS ?? 500);
const SEATS = Number(process.env.BENCH_SEATS ?? 100);
const STORM = Number(process.env.BENCH_STORM ?? 100);
const BASE = Number(process.env.BENCH_BASE ?? 25);
const WINDOW_MS = Number(process.env.BENCH_STORM_WINDOW_MS ?? 10_000);
const PER_PROCESS = 25;
const WARM_UP = 5;
const CAMERA = { width: 160, height: 120, fps: 10 };

type ViewerSpec = { baseUrl: string; eventId: string; startAt: number; viewers: { cookie: string; delayMs: number }[] };
type JoinResult = { ok: boolean; error?: string; tokenMs?: number; connectMs?: number; joinToFrameMs?: number };

// ------------------------------------------------------------------ child: 25 viewers of one show

async function viewersChild() {
  const spec = JSON.parse(process.env.BENCH_VIEWERS!) as ViewerSpec;
  const { Room, dispose } = await import("@livekit/rtc-node");
  const lk = await import("../tests/helpers/livekit");
  const rooms: InstanceType<typeof Room>[] = [];
  const results = await Promise.all(
    spec.viewers.map(async (v): Promise<JoinResult> => {
      await new Promise((r) => setTimeout(r, Math.max(0, spec.startAt + v.delayMs - Date.now())));
      const room = new Room();
      rooms.push(room);
      const first = lk.firstRemoteFrame(room, 60_000);
      first.frame.catch(() => {});
      const t0 = performance.now();
      try {
        const res = await fetch(`${spec.baseUrl}/api/shows/${spec.eventId}/token`, {
          method: "POST",
          headers: { cookie: v.cookie, "content-type": "application/json" },
          body: '{"attempt":1}',
        });
        const body = await res.text();
        const t1 = performance.now();
        if (res.status !== 200)
          return { ok: false, error: `token ${res.status}: ${body.slice(0, 160)}`, tokenMs: t1 - t0 };
        const { token, url } = JSON.parse(body) as { token: string; url: string };
        await room.connect(url, token, lk.roomOptions(false));
        const t2 = performance.now();
        await first.frame;
        const t3 = performance.now();
        return { ok: true, tokenMs: t1 - t0, connectMs: t2 - t1, joinToFrameMs: t3 - t0 };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      } finally {
        first.cancel();
      }
    }),
  );
  console.log(JSON.stringify({ results }));
  // Everyone stays in the room until the parent has every process's results: the load is the point.
  await new Promise((r) => process.stdin.once("data", r));
  await Promise.all(rooms.map((r) => r.disconnect().catch(() => {})));
  await dispose();
  process.exit(0);
}

// ------------------------------------------------------------------ child: the show's creator

async function creatorChild() {
  const { Room, dispose } = await import("@livekit/rtc-node");
  const lk = await import("../tests/helpers/livekit");
  const room = new Room();
  try {
    await room.connect(process.env.BENCH_URL!, process.env.BENCH_TOKEN!, lk.roomOptions(false));
    const camera = await lk.publishSyntheticCamera(room, CAMERA);
    console.log(JSON.stringify({ published: true }));
    await new Promise((r) => process.stdin.once("data", r));
    await camera.stop();
  } catch (err) {
    console.log(JSON.stringify({ published: false, error: err instanceof Error ? err.message : String(err) }));
  }
  await room.disconnect().catch(() => {});
  await dispose();
  process.exit(0);
}

// ------------------------------------------------------------------ parent

async function main() {
  const load = os.loadavg()[0]!;
  if (load >= 2)
    console.log(`! load average is ${load.toFixed(2)} on ${os.cpus().length} cores: figures will be noisy`);
  const t0 = Date.now();
  const stack = await startBenchStack("group", {
    // Each viewer asks once; the budget is only lifted so that nothing but the stack's capacity decides.
    SESSION_TOKEN_MAX_PER_MINUTE: "100000",
  });
  const { env, children, phase } = stack;
  const baseUrl = env.APP_URL!;
  try {
    const { db } = await import("@/lib/db");
    const { createUser, TEST_PASSWORD } = await import("../tests/helpers/factories");
    const { scheduledShow, payTicket } = await import("../tests/helpers/shows");
    const { identitiesIn } = await import("../tests/helpers/room-participant");

    /** A child process of this file in `mode`; `first` is its first JSON line that starts with `prefix`. */
    function benchChild<T>(mode: string, childEnv: Record<string, string>, prefix: string) {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "--conditions=react-server", path.join(root, "bench/group.ts"), mode],
        { cwd: root, env: { ...process.env, ...childEnv, LOG_LEVEL: "silent" }, stdio: ["pipe", "pipe", "inherit"] },
      );
      children.add(child);
      child.on("exit", () => children.delete(child));
      const first = new Promise<T | null>((resolve) => {
        readline.createInterface({ input: child.stdout! }).on("line", (line) => {
          if (line.startsWith(prefix)) resolve(JSON.parse(line) as T);
        });
        child.on("exit", () => resolve(null));
      });
      const stop = () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.stdin!.write("leave\n");
          setTimeout(() => child.kill("SIGKILL"), 20_000).unref();
        });
      return { first, stop, pid: child.pid };
    }

    /** Runs `fn` over `xs`, `n` at a time, in order. */
    async function inBatches<T, R>(xs: T[], n: number, fn: (x: T) => Promise<R>) {
      const out: R[] = [];
      for (let i = 0; i < xs.length; i += n) out.push(...(await Promise.all(xs.slice(i, i + n).map(fn))));
      return out;
    }
    const buyTicket = async (cookie: string, eventId: string) => {
      const s = performance.now();
      const res = await fetch(`${baseUrl}/api/shows/${eventId}/tickets`, { method: "POST", headers: { cookie } });
      const body = (await res.json()) as { ticketId?: string; error?: string };
      return { status: res.status, ms: performance.now() - s, ticketId: body.ticketId, error: body.error };
    };

    phase(`creating ${BUYERS} viewers and signing them in`);
    const buyers = await inBatches(Array.from({ length: BUYERS }), 20, () => createUser());
    const cookies = await inBatches(buyers, 8, (b) => stack.signedIn(b.email, TEST_PASSWORD));

    // ---------------------------------------------------------------- ticket-sale storm
    phase(`ticket-sale storm: ${BUYERS} buyers at once for ${SEATS} seats`);
    const big = await scheduledShow({ capacity: SEATS, startsInMinutes: 3, durationMinutes: 120, priceCents: 900 });
    const saleCpu0 = stack.cpuSeconds();
    const saleT0 = Date.now();
    const sale = await Promise.all(cookies.map((c) => buyTicket(c, big.event.id)));
    const saleWall = (Date.now() - saleT0) / 1000;
    const saleCpu1 = stack.cpuSeconds();
    const sold = (await db.groupEvent.findUniqueOrThrow({ where: { id: big.event.id } })).ticketsSold;
    const winners = sale.flatMap((r, i) => (r.status === 201 ? [i] : []));
    const losers = sale.flatMap((r, i) => (r.status === 201 ? [] : [i]));
    const statusCount: Record<number, number> = {};
    for (const r of sale) statusCount[r.status] = (statusCount[r.status] ?? 0) + 1;
    const byStatus = Object.entries(statusCount)
      .map(([s, n]) => `${n}×${s}`)
      .join(" ");
    const saleMs = sale.map((r) => r.ms);
    const soldOut = sale.filter((r) => r.status === 409 && /sold out/.test(r.error ?? "")).length;

    phase(`paying the ${winners.length} held tickets (signed webhooks)`);
    await inBatches(winners, 8, (i) => payTicket(sale[i]!.ticketId!));

    // ---------------------------------------------------------------- join storms
    /** A show of `n` ticket holders (taken from the buyers who did not get a seat above), paid. */
    async function showOf(n: number, from: number) {
      const s = await scheduledShow({ capacity: n, startsInMinutes: 3, durationMinutes: 120, priceCents: 900 });
      const who = losers.slice(from, from + n);
      await inBatches(who, 8, async (i) => {
        const r = await buyTicket(cookies[i]!, s.event.id);
        if (r.status !== 201) throw new Error(`ticket for the ${n}-viewer show: ${r.status} ${r.error}`);
        await payTicket(r.ticketId!);
      });
      return { ...s, viewerCookies: who.map((i) => cookies[i]!) };
    }
    async function storm(
      show: { creator: { user: { email: string } }; event: { id: string } },
      viewerCookies: string[],
    ) {
      const creatorCookie = await stack.signedIn(show.creator.user.email, TEST_PASSWORD);
      const res = await fetch(`${baseUrl}/api/shows/${show.event.id}/token`, {
        method: "POST",
        headers: { cookie: creatorCookie, "content-type": "application/json" },
        body: '{"attempt":1}',
      });
      if (res.status !== 200) throw new Error(`creator's token: ${res.status} ${await res.text()}`);
      const { token, url } = (await res.json()) as { token: string; url: string };
      const creator = benchChild<{ published: boolean; error?: string }>(
        "creator",
        { BENCH_URL: url, BENCH_TOKEN: token },
        '{"published"',
      );
      try {
        const published = await creator.first;
        if (!published?.published) throw new Error(`the creator could not publish: ${published?.error ?? "no answer"}`);
        const startAt = Date.now() + 5_000; // every process is up and waiting by then
        const spacing = viewerCookies.length > 1 ? WINDOW_MS / viewerCookies.length : 0;
        const procs = [];
        for (let i = 0; i < viewerCookies.length; i += PER_PROCESS) {
          const spec: ViewerSpec = {
            baseUrl,
            eventId: show.event.id,
            startAt,
            viewers: viewerCookies
              .slice(i, i + PER_PROCESS)
              .map((cookie, k) => ({ cookie, delayMs: (i + k) * spacing })),
          };
          const p = benchChild<{ results: JoinResult[] }>(
            "viewers",
            { BENCH_VIEWERS: JSON.stringify(spec) },
            '{"results"',
          );
          procs.push({
            pid: p.pid,
            stop: p.stop,
            results: p.first.then<JoinResult[]>(
              (r) =>
                r?.results ?? spec.viewers.map(() => ({ ok: false, error: "viewer process ended without results" })),
            ),
          });
        }
        await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
        const cpu0 = stack.cpuSeconds();
        const viewers0 = processCpuSeconds(procs.map((p) => p.pid));
        const w0 = Date.now();
        // Each process's CPU is read when its results arrive (it is still connected, so still there).
        const viewersCpu = await Promise.all(procs.map((p) => p.results.then(() => processCpuSeconds([p.pid]))));
        const results = (await Promise.all(procs.map((p) => p.results))).flat();
        const cpu1 = stack.cpuSeconds();
        const wall = (Date.now() - w0) / 1000;
        const listed = (await identitiesIn(`show-${show.event.id}`)).length;
        await Promise.all(procs.map((p) => p.stop()));
        return {
          results,
          listed,
          wall,
          app: cpu1.app - cpu0.app,
          livekit: cpu1.livekit - cpu0.livekit,
          viewers: viewersCpu.reduce((a, b) => a + b, 0) - viewers0,
        };
      } finally {
        await creator.stop();
      }
    }

    phase(`preparing the shows of ${WARM_UP} (warm-up), ${BASE} and ${STORM} viewers`);
    const warm = await showOf(WARM_UP, 0);
    const base = await showOf(BASE, WARM_UP);
    if (STORM > winners.length) throw new Error(`only ${winners.length} paid tickets for a storm of ${STORM}`);
    const stormCookies = winners.slice(0, STORM).map((i) => cookies[i]!);

    phase(`warm-up: ${WARM_UP} viewers (not counted)`);
    await storm(warm, warm.viewerCookies);
    phase(`join storm: ${BASE} viewers within ${WINDOW_MS / 1000} s`);
    const small = await storm(base, base.viewerCookies);
    phase(`join storm: ${STORM} viewers within ${WINDOW_MS / 1000} s`);
    const large = await storm(big, stormCookies);

    // ---------------------------------------------------------------- report
    const f = (ms: number) => `${Math.round(ms)}`.padStart(6);
    const version = (await import("node:fs")).readFileSync(`${stack.livekitBin}.version`, "utf8").trim();
    console.log(
      `\ngroup bench — ${os.cpus().length} cores, load ${load.toFixed(2)} at start, livekit-server ${version}, next start (production)`,
    );
    console.log(`Ticket-sale storm: ${BUYERS} signed-in buyers POST /api/shows/:id/tickets at once for ${SEATS} seats`);
    console.log(
      `  seats sold ${sold} (${sold === SEATS ? "exactly the seats" : `NOT ${SEATS}`}); answers ${byStatus}; ${soldOut} told "sold out"`,
    );
    console.log(
      `  checkout request (ms)  p50 ${f(nearestRank(saleMs, 50))}  p99 ${f(nearestRank(saleMs, 99))}  max ${f(Math.max(...saleMs))}`,
    );
    console.log(
      `  ${saleWall.toFixed(1)} s of wall time; CPU used meanwhile: app ${(saleCpu1.app - saleCpu0.app).toFixed(1)} s, livekit-server ${(saleCpu1.livekit - saleCpu0.livekit).toFixed(1)} s`,
    );
    console.log(
      `Join storm: viewers enter one show within ${WINDOW_MS / 1000} s while the creator publishes ${CAMERA.width}×${CAMERA.height} at ${CAMERA.fps} fps (rtc-node, ${PER_PROCESS} viewers per process); join → first frame = token request start → first decoded frame of the creator's video`,
    );
    console.log(
      `  viewers   joined   listed | token p50    p99 | join→first frame p50    p95    max | connect→frame p50    p95`,
    );
    const p95: Record<number, number> = {};
    const failures: string[] = [];
    for (const [n, r] of [
      [BASE, small],
      [STORM, large],
    ] as const) {
      const ok = r.results.filter((x) => x.ok);
      for (const x of r.results) if (!x.ok) failures.push(`${n}: ${x.error}`);
      const tok = r.results.flatMap((x) => (x.tokenMs === undefined ? [] : [x.tokenMs]));
      const frame = ok.map((x) => x.joinToFrameMs!);
      const afterToken = ok.map((x) => x.joinToFrameMs! - x.tokenMs!);
      if (frame.length) p95[n] = nearestRank(frame, 95);
      console.log(
        `  ${`${n}`.padStart(7)} ${`${ok.length}/${n}`.padStart(8)} ${`${r.listed}`.padStart(8)} |    ${tok.length ? f(nearestRank(tok, 50)) : "     -"} ${tok.length ? f(nearestRank(tok, 99)) : "     -"} |               ${frame.length ? `${f(nearestRank(frame, 50))} ${f(p95[n]!)} ${f(Math.max(...frame))} |            ${f(nearestRank(afterToken, 50))} ${f(nearestRank(afterToken, 95))}` : "     -"}`,
      );
    }
    const rate = (r: { results: JoinResult[] }) => r.results.filter((x) => x.ok).length / r.results.length;
    console.log(
      `  join success: ${(rate(small) * 100).toFixed(0)}% at ${BASE}, ${(rate(large) * 100).toFixed(0)}% at ${STORM} (goal: 100%)`,
    );
    if (p95[BASE] && p95[STORM])
      console.log(`  p95 ratio ${STORM}/${BASE}: ${(p95[STORM] / p95[BASE]).toFixed(2)}× (goal: at most 2×)`);
    console.log(
      `  ("listed": participants livekit-server listed in the room once every viewer had its frame, the creator included)`,
    );
    for (const [n, r] of [
      [BASE, small],
      [STORM, large],
    ] as const)
      console.log(
        `  ${n} viewers: ${r.wall.toFixed(1)} s from the first token request to the last frame; CPU used meanwhile: app ${r.app.toFixed(1)} s, livekit-server ${r.livekit.toFixed(1)} s, the viewers' processes ${r.viewers.toFixed(1)} s`,
      );
    if (failures.length)
      console.log(`  failed joins: ${failures.length}\n    ${[...new Set(failures)].slice(0, 6).join("\n    ")}`);
    console.log(
      `finished in ${((Date.now() - t0) / 1000).toFixed(0)} s, load average ${os.loadavg()[0]!.toFixed(2)} at the end`,
    );
    if (sold !== SEATS || rate(small) < 1 || rate(large) < 1) process.exitCode = 1;
  } catch (err) {
    console.error(`\n✗ ${err instanceof Error ? err.message : err}`);
    stack.printLogs();
    process.exitCode = 1;
  } finally {
    await stack.teardown();
  }
  process.exit(process.exitCode ?? 0);
}

if (process.argv[2] === "viewers") await viewersChild();
else if (process.argv[2] === "creator") await creatorChild();
else await main();
