/**
 * npm run bench:join — press Join → first remote video frame in Chromium, Booth's room against a reference
 * room built the way LiveKit Meet builds its room (app/dev/reference-room: LiveKit's stock PreJoin, a token
 * from a bare signing route, room.connect, the stock VideoConference), in the same run, on the same
 * livekit-server, app build and browser, alternating one join of each.
 *
 * Each join: a publisher (@livekit/rtc-node, its own process, a synthetic camera) is in the room first —
 * for Booth the paid session's creator, with a token from Booth's endpoint; for the reference a participant
 * with a token signed here. Then a fresh Chromium context (fake camera) opens the page, waits until Join
 * can be pressed (Booth: its device check done; reference: PreJoin's preview), and presses it.
 * The same script, injected into both pages before they load, measures from that click (capture-phase
 * listener) to the first animation frame at which a <video> showing a remote track (RTCPeerConnection
 * "track" events name them) has a decoded frame (readyState ≥ HAVE_CURRENT_DATA, a width), and the token
 * response's end (Resource Timing) on the way.
 *
 * Prints p50 / p95 of each and the ratio Booth / reference (issue 17's goal: ≤ 1.0 at p50 and p95).
 * Knobs: BENCH_JOINS (12 per room, after one warm-up join of each that is not counted).
 */
import fs from "node:fs";
import os from "node:os";
import { nearestRank, startBenchStack } from "./stack";

const JOINS = Number(process.env.BENCH_JOINS ?? 12);

type Timing = { clickToFrameMs: number; clickToTokenMs: number | null; marks: Record<string, number> };

/** Runs in the page before its own scripts (page.addInitScript). */
function probe(joinSelector: string) {
  const w = window as unknown as {
    __bench: { click: number | null; frame: number | null; remote: Set<string>; marks: Record<string, number> };
  };
  w.__bench = { click: null, frame: null, remote: new Set(), marks: {} };
  const mark = (name: string) => {
    if (w.__bench.click !== null && !(name in w.__bench.marks))
      w.__bench.marks[name] = performance.now() - w.__bench.click;
  };
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args);
      mark("peer connection");
      this.addEventListener("track", (e) => {
        mark("remote track");
        w.__bench.remote.add(e.track.id);
      });
      this.addEventListener("connectionstatechange", () => {
        if (this.connectionState === "connected") mark("ICE+DTLS connected");
      });
    }
  } as typeof RTCPeerConnection;
  document.addEventListener(
    "click",
    (e) => {
      if (w.__bench.click === null && (e.target as Element | null)?.closest?.(joinSelector)) {
        w.__bench.click = performance.now();
        requestAnimationFrame(poll);
      }
    },
    true,
  );
  // Every animation frame after the click: the first <video> showing a remote track with a decoded frame.
  const poll = () => {
    if (w.__bench.frame !== null) return;
    if (w.__bench.click !== null)
      for (const v of document.querySelectorAll("video")) {
        const stream = v.srcObject as MediaStream | null;
        const remote = stream?.getVideoTracks().some((t) => w.__bench.remote.has(t.id));
        if (remote) mark("remote <video> attached");
        if (v.readyState >= 2 && v.videoWidth > 0 && remote) {
          w.__bench.frame = performance.now();
          return;
        }
      }
    requestAnimationFrame(poll);
  };
}

async function main() {
  const load = os.loadavg()[0]!;
  if (load >= 2)
    console.log(`! load average is ${load.toFixed(2)} on ${os.cpus().length} cores: figures will be noisy`);
  const t0 = Date.now();
  const stack = await startBenchStack("join", { SESSION_TOKEN_MAX_PER_MINUTE: "100000" });
  const { env, phase } = stack;
  try {
    const { paidSession } = await import("../tests/helpers/sessions");
    const { TEST_PASSWORD } = await import("../tests/helpers/factories");
    const { RoomParticipant, roomAdmin } = await import("../tests/helpers/room-participant");
    const { launchBrowser } = await import("../tests/helpers/browser");
    const { AccessToken } = await import("livekit-server-sdk");
    process.env.CHROMIUM_PATH ??= "/usr/bin/chromium";
    if (!fs.existsSync(process.env.CHROMIUM_PATH)) throw new Error("Chromium is needed: run npm test once");
    const browser = await launchBrowser();

    async function measure(url: string, cookie: string | null, joinSelector: string): Promise<Timing> {
      const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      try {
        if (cookie)
          await ctx.addCookies(
            cookie
              .split(/;\s*/)
              .filter(Boolean)
              .map((c) => {
                const [name, value] = c.split(/=(.*)/s) as [string, string];
                return { name, value, url: env.APP_URL! };
              }),
          );
        // tsx (esbuild) wraps named functions in __name(); the serialized probe needs it in the page too.
        await ctx.addInitScript({ content: "window.__name = (f) => f;" });
        await ctx.addInitScript(probe, joinSelector);
        const page = await ctx.newPage();
        const errors: string[] = [];
        page.on("console", (m) => {
          if (m.type() === "error") errors.push(m.text().slice(0, 300));
        });
        page.on("pageerror", (e) => errors.push(String(e).slice(0, 300)));
        await page.goto(url, { waitUntil: "load" });
        const join = page.locator(joinSelector).first();
        await join.waitFor({ timeout: 30_000 });
        await page.waitForFunction(
          (sel) => !(document.querySelector(sel) as HTMLButtonElement | null)?.disabled,
          joinSelector,
          {
            timeout: 30_000,
          },
        );
        // The device preview is up and settled before the press, on both pages alike.
        await page.waitForTimeout(500);
        await join.click();
        await page
          .waitForFunction(
            () => (window as unknown as { __bench: { frame: number | null } }).__bench.frame !== null,
            undefined,
            { timeout: 30_000 },
          )
          .catch(async (err: unknown) => {
            const state = await page.evaluate(() => {
              const b = (window as unknown as { __bench: { click: number | null; remote: Set<string> } }).__bench;
              const videos = [...document.querySelectorAll("video")].map((v) => ({
                tracks: ((v.srcObject as MediaStream | null)?.getVideoTracks() ?? []).map(
                  (t) => `${t.id} ${t.readyState} muted=${t.muted}`,
                ),
                readyState: v.readyState,
                width: v.videoWidth,
                paused: v.paused,
                testid: v.dataset.testid,
              }));
              return { click: b.click, remote: [...b.remote], videos };
            });
            throw new Error(`no remote frame on ${url}: ${JSON.stringify({ ...state, errors })}\n${err}`);
          });
        return await page.evaluate(() => {
          const b = (window as unknown as { __bench: { click: number; frame: number; marks: Record<string, number> } })
            .__bench;
          const token = performance
            .getEntriesByType("resource")
            .find((e) => /\/token(-baseline)?(\?|$)/.test(e.name)) as PerformanceResourceTiming | undefined;
          // The room's own performance marks (join:pressed, join:token, join:connected, call:mounted), if any.
          for (const m of performance.getEntriesByType("mark"))
            if (/^(join|call):/.test(m.name) && m.startTime >= b.click) b.marks[m.name] ??= m.startTime - b.click;
          return {
            clickToFrameMs: b.frame - b.click,
            marks: b.marks,
            clickToTokenMs: token && token.startTime >= b.click - 5000 ? token.responseEnd - b.click : null,
          };
        });
      } finally {
        await ctx.close();
      }
    }

    async function boothJoin(): Promise<Timing> {
      const s = await paidSession({ startsInMinutes: 1, durationMinutes: 60 });
      const [creatorCookie, viewerCookie] = await Promise.all([
        stack.signedIn(s.creator.user.email, TEST_PASSWORD),
        stack.signedIn(s.viewer.email, TEST_PASSWORD),
      ]);
      const res = await fetch(`${env.APP_URL}/api/sessions/${s.booking.id}/token`, {
        method: "POST",
        headers: { cookie: creatorCookie, "content-type": "application/json" },
        body: JSON.stringify({ attempt: 1, policy: "all" }),
      });
      if (res.status !== 200) throw new Error(`creator token: ${res.status} ${await res.text()}`);
      const { token, url } = (await res.json()) as { token: string; url: string };
      const publisher = await RoomParticipant.join(url, token);
      try {
        const published = await publisher.publish();
        if (!published.ok) throw new Error(`creator could not publish: ${published.error}`);
        return await measure(`${env.APP_URL}/sessions/${s.booking.id}`, viewerCookie, "[data-testid=join]");
      } finally {
        await publisher.leave();
      }
    }

    let n = 0;
    async function referenceJoin(): Promise<Timing> {
      const room = `reference-${process.pid}-${++n}`;
      // Booth's livekit-server creates no room on join (auto_create off): the reference's room is made here.
      await roomAdmin().createRoom({ name: room, emptyTimeout: 60 });
      const at = new AccessToken(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET, { identity: `publisher-${n}` });
      at.addGrant({ room, roomJoin: true, canPublish: true, canSubscribe: true });
      const publisher = await RoomParticipant.join(env.LIVEKIT_URL!, await at.toJwt());
      try {
        const published = await publisher.publish();
        if (!published.ok) throw new Error(`reference publisher could not publish: ${published.error}`);
        return await measure(`${env.APP_URL}/dev/reference-room?room=${room}`, null, ".lk-join-button");
      } finally {
        await publisher.leave();
      }
    }

    phase("warm-up: one join of each (not counted)");
    await boothJoin();
    await referenceJoin();
    const booth: Timing[] = [];
    const reference: Timing[] = [];
    phase(`${JOINS} joins of each, alternating`);
    for (let i = 0; i < JOINS; i++) {
      // Alternate which goes first, so neither always follows the other's teardown.
      if (i % 2 === 0) {
        booth.push(await boothJoin());
        reference.push(await referenceJoin());
      } else {
        reference.push(await referenceJoin());
        booth.push(await boothJoin());
      }
    }
    await browser.close();

    const f = (x: number) => `${x.toFixed(0).padStart(5)} ms`;
    const stat = (xs: Timing[], k: keyof Timing, p: number) => {
      const v = xs.map((x) => x[k]).filter((x): x is number => x !== null);
      return v.length ? nearestRank(v, p) : Number.NaN;
    };
    console.log(`\njoin bench — press Join → first remote frame, Chromium (fake camera), ${JOINS} joins each`);
    console.log("                                   Booth          reference      Booth / reference");
    for (const [label, k] of [
      ["Join → first remote frame", "clickToFrameMs"],
      ["Join → token response", "clickToTokenMs"],
    ] as const) {
      for (const p of [50, 95]) {
        const b = stat(booth, k, p);
        const r = stat(reference, k, p);
        console.log(`  ${`${label}, p${p}`.padEnd(32)} ${f(b)}       ${f(r)}       ${(b / r).toFixed(2)}×`);
      }
    }
    const marks = (xs: Timing[]) => {
      const names = [...new Set(xs.flatMap((x) => Object.keys(x.marks)))];
      return names
        .map(
          (n) =>
            [
              n,
              nearestRank(
                xs.map((x) => x.marks[n]).filter((v): v is number => v !== undefined),
                50,
              ),
            ] as const,
        )
        .sort((a, b) => a[1] - b[1])
        .map(([n, v]) => `${n} ${v.toFixed(0)}`)
        .join(" · ");
    };
    console.log(`  p50 from Join, Booth:     ${marks(booth)}`);
    console.log(`  p50 from Join, reference: ${marks(reference)}`);
    console.log(
      `goal (issue 17): Booth / reference ≤ 1.00× at p50 and p95 for Join → first remote frame. ` +
        `Finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );
  } catch (err) {
    console.error(`\n✗ ${err instanceof Error ? (err.stack ?? err.message) : err}`);
    stack.printLogs();
    process.exitCode = 1;
  } finally {
    await stack.teardown();
  }
  process.exit(process.exitCode ?? 0);
}

await main();
