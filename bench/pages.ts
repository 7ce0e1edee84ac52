/**
 * npm run bench:pages — JavaScript weight of the pages a new visitor and a joining participant load, as
 * sent: a production build (`next build` + `next start`, which compresses with gzip), opened in Chromium
 * with a fake camera, summing the encoded (on-the-wire) body bytes of every script (Resource Timing) until the
 * page is settled. The room page is measured on its pre-join screen (the device check done, Join enabled), as
 * its viewer sees it inside the join window of a paid session; the call's code, which the room then loads
 * while the browser is idle (so that Join does not wait for it), is printed on its own line.
 *
 * Goals (issue 17): room pre-join ≤ 260 kB, landing ≤ 100 kB. Each line prints bytes, goal and ratio, and
 * the largest scripts, so a regression names its chunk. Then Lighthouse (mobile, its default simulated
 * throttling) scores both pages' performance and accessibility, median of BENCH_LIGHTHOUSE_RUNS (5). Its own stack: embedded PostgreSQL (migrated) and
 * the app built from a copy of the working tree (bench/app-build.ts); all removed at the end.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildAppCopy } from "./app-build";

const GOALS = { landing: 100_000, room: 260_000 } as const;
/** Lighthouse runs per page (the median is printed); 0 skips Lighthouse. */
const LIGHTHOUSE_RUNS = Number(process.env.BENCH_LIGHTHOUSE_RUNS ?? 5);

async function main() {
  const { default: exitHook } = await import("async-exit-hook");
  const { applyMigrations } = await import("../scripts/db/migrate");
  const { startEmbeddedPostgres } = await import("../scripts/services/postgres");
  const { freePort, httpOk, startService, waitFor } = await import("../scripts/services/proc");
  const { ensurePrismaClient } = await import("../scripts/services/tools");
  const t0 = Date.now();
  const phase = (name: string) => console.log(`› ${name} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "booth-bench-pages-"));
  fs.chmodSync(tmp, 0o755);
  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  async function teardown() {
    if (stopping) return;
    stopping = true;
    for (const stop of stops.reverse()) await stop().catch(() => {});
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  exitHook((done) => void teardown().finally(done));

  try {
    ensurePrismaClient();
    phase("starting PostgreSQL");
    const pg = await startEmbeddedPostgres({
      dataDir: path.join(tmp, "pg"),
      port: await freePort(),
      persistent: false,
    });
    stops.push(pg.stop);
    await pg.createDatabase("booth_bench");
    const databaseUrl = pg.url("booth_bench");
    await applyMigrations(databaseUrl);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      TZ: "UTC",
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_DIST_DIR: ".next-bench",
      LOG_LEVEL: "warn",
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: "bench-secret-bench-secret-bench-secret-0123",
      APP_URL: `http://127.0.0.1:${port}`,
      LIVEKIT_URL: "ws://127.0.0.1:9",
      LIVEKIT_API_KEY: "devkey",
      LIVEKIT_API_SECRET: "bench-livekit-secret-bench-livekit-secret",
      TRUSTED_PROXY_HOPS: "1",
      BOOTH_TEST_CHECKOUT: "1",
      STRIPE_WEBHOOK_SECRET: "whsec_bench_booth_webhook_secret_0123456789",
      MAIL_OUTBOX: "1",
    };
    for (const k of ["DATABASE_URL", "AUTH_SECRET", "LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"])
      process.env[k] = env[k];
    process.env.STRIPE_WEBHOOK_SECRET = env.STRIPE_WEBHOOK_SECRET;
    process.env.BOOTH_TEST_CHECKOUT = "1";
    process.env.MAIL_OUTBOX = "1";
    process.env.LOG_LEVEL = "silent";
    process.env.BOOTH_BASE_URL = env.APP_URL;

    phase("copying the working tree and building the app (next build)");
    const appDir = path.join(tmp, "app");
    const next = buildAppCopy(appDir, env);
    phase("starting the app (next start)");
    const app = startService("next", next, ["start", "--port", String(port), "--hostname", "127.0.0.1"], {
      cwd: appDir,
      env,
      logFile: path.join(tmp, "next.log"),
    });
    stops.push(app.stop);
    await waitFor("next start", () => httpOk(`${env.APP_URL}/api/health`), 60_000, app);

    const { db } = await import("@/lib/db");
    stops.push(() => db.$disconnect());
    const { paidSession } = await import("../tests/helpers/sessions");
    const { TEST_PASSWORD } = await import("../tests/helpers/factories");
    const { HttpClient } = await import("../tests/helpers/http");
    const s = await paidSession({ startsInMinutes: 1, durationMinutes: 60 });
    const viewer = new HttpClient();
    await viewer.signIn(s.viewer.email, TEST_PASSWORD, "198.18.0.1");
    if (!viewer.hasSession()) throw new Error("the viewer could not sign in");
    const cookies = viewer
      .cookieHeader()
      .split(/;\s*/)
      .filter(Boolean)
      .map((c) => {
        const [name, value] = c.split(/=(.*)/s) as [string, string];
        return { name, value, url: env.APP_URL! };
      });

    phase("opening the pages in Chromium");
    const { launchBrowser } = await import("../tests/helpers/browser");
    process.env.CHROMIUM_PATH ??= "/usr/bin/chromium";
    const browser = await launchBrowser();
    stops.push(() => browser.close());
    /** A script the page loaded: on-the-wire body bytes, and whether it is the call's (asked for after the room's preload mark). */
    type Script = { url: string; bytes: number; afterReady: boolean };
    async function measure(
      url: string,
      ready: (page: import("playwright-core").Page) => Promise<void>,
      cookie: boolean,
    ): Promise<Script[]> {
      const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      if (cookie) await ctx.addCookies(cookies);
      const page = await ctx.newPage();
      await page.goto(url, { waitUntil: "load" });
      await ready(page).catch(async (err: unknown) => {
        const text = (
          await page
            .locator("main")
            .textContent()
            .catch(() => "")
        )?.slice(0, 300);
        throw new Error(`${url} did not get ready (${page.url()}): ${text}\n${err}`);
      });
      await page.waitForLoadState("networkidle");
      // The room marks when it starts loading the call's code (idle after the device check): scripts asked
      // for from then on are the call's. Without the mark (the landing) every script is the page's.
      const readyAt = await page.evaluate(
        (mark) => performance.getEntriesByName(mark)[0]?.startTime ?? Number.POSITIVE_INFINITY,
        "call-code-preload",
      );
      // Resource Timing's encodedBodySize: the body as sent (gzip), as DevTools' "transferred" less headers.
      const scripts = await page.evaluate(
        (at) =>
          performance
            .getEntriesByType("resource")
            .map((e) => e as PerformanceResourceTiming)
            .filter((e) => e.initiatorType === "script" || /\.js(\?|$)/.test(e.name))
            .map((e) => ({ url: e.name, bytes: e.encodedBodySize, afterReady: e.startTime >= at })),
        readyAt,
      );
      await ctx.close();
      return scripts;
    }
    const landing = await measure(`${env.APP_URL}/`, async () => {}, false);
    const room = await measure(
      `${env.APP_URL}/sessions/${s.booking.id}`,
      async (page) => {
        await page.getByTestId("join").waitFor();
        await page.waitForFunction(() => !(document.querySelector("[data-testid=join]") as HTMLButtonElement).disabled);
      },
      true,
    );

    const kb = (b: number) => `${(b / 1000).toFixed(1)} kB`;
    console.log(`\npages bench — JavaScript as sent (gzip, encoded body bytes), production build, Chromium`);
    console.log(`  page                 scripts      bytes       goal   ratio to goal`);
    for (const [name, scripts, goal] of [
      ["landing /", landing, GOALS.landing],
      ["room, pre-join", room.filter((x) => !x.afterReady), GOALS.room],
    ] as const) {
      const total = scripts.reduce((a, x) => a + x.bytes, 0);
      console.log(
        `  ${name.padEnd(18)} ${String(scripts.length).padStart(8)} ${String(total).padStart(10)} B ${String(goal).padStart(8)} B   ${(total / goal).toFixed(2)}× ${total <= goal ? "✓" : "✗"}`,
      );
      const top = [...scripts].sort((a, b) => b.bytes - a.bytes).slice(0, 5);
      console.log(
        `      largest: ${top.map((x) => `${path.basename(new URL(x.url).pathname)} ${kb(x.bytes)}`).join(", ")}`,
      );
    }
    // After the device check, when the browser is idle, the room loads the call's code (LiveKit's client and
    // the call UI) so that Join waits for the token and the connection only: shown apart, it is not part of
    // what the pre-join screen needs to appear and work.
    const prefetched = room.filter((x) => x.afterReady);
    console.log(
      `  then, idle after the device check: the call's code, ${prefetched.length} scripts, ${prefetched.reduce((a, x) => a + x.bytes, 0)} B ` +
        `(pre-join + call: ${room.reduce((a, x) => a + x.bytes, 0)} B; LiveKit Meet's pre-join page sent 345,039 B in issue 17's run)`,
    );
    if (LIGHTHOUSE_RUNS > 0) {
      phase(`Lighthouse (mobile, simulated throttling), ${LIGHTHOUSE_RUNS} runs of each page`);
      const { default: lighthouse } = await import("lighthouse");
      const { chromium } = await import("playwright-core");
      const port = await freePort();
      // Its own Chromium, with the fake camera and a debugging port Lighthouse drives.
      const lhBrowser = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH,
        headless: true,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--use-fake-ui-for-media-stream",
          "--use-fake-device-for-media-stream",
          "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
          `--remote-debugging-port=${port}`,
        ],
      });
      stops.push(() => lhBrowser.close());
      const cookieHeader = viewer.cookieHeader();
      async function scores(url: string, cookie: boolean) {
        const perf: number[] = [];
        const a11y: number[] = [];
        for (let i = 0; i < LIGHTHOUSE_RUNS; i++) {
          const result = await lighthouse(url, {
            port,
            logLevel: "error",
            output: "json",
            onlyCategories: ["performance", "accessibility"],
            ...(cookie ? { extraHeaders: { Cookie: cookieHeader } } : {}),
          });
          const c = result?.lhr.categories;
          perf.push(Math.round((c?.performance?.score ?? 0) * 100));
          a11y.push(Math.round((c?.accessibility?.score ?? 0) * 100));
        }
        const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
        return { perf: median(perf), a11y: median(a11y), all: perf.join(", ") };
      }
      const lhLanding = await scores(`${env.APP_URL}/`, false);
      const lhRoom = await scores(`${env.APP_URL}/sessions/${s.booking.id}`, true);
      console.log(`\nLighthouse mobile, median of ${LIGHTHOUSE_RUNS} (performance runs in brackets)`);
      console.log(
        `  landing /          performance ${lhLanding.perf} (${lhLanding.all}), accessibility ${lhLanding.a11y}   goal ≥ 95 / 100`,
      );
      console.log(
        `  room, pre-join     performance ${lhRoom.perf} (${lhRoom.all}), accessibility ${lhRoom.a11y}   goal ≥ 85 / 100`,
      );
    }
    console.log(`finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  } catch (err) {
    console.error(`\n✗ ${err instanceof Error ? (err.stack ?? err.message) : err}`);
    const log = path.join(tmp, "next.log");
    if (fs.existsSync(log))
      console.error(
        `--- last lines of next.log ---\n${fs.readFileSync(log, "utf8").split("\n").slice(-30).join("\n")}`,
      );
    process.exitCode = 1;
  } finally {
    await teardown();
  }
  process.exit(process.exitCode ?? 0);
}

await main();
