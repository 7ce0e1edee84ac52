import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { writeLivekitConfig } from "../../scripts/services/livekit";
import { freePort, portOpen } from "../../scripts/services/proc";
import { launchBrowser } from "../helpers/browser";
import { step } from "../helpers/steps";

/** PIDs of processes whose command line mentions `needle`. */
function processesMentioning(needle: string) {
  return fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(needle);
      } catch {
        return false;
      }
    });
}

/** Starts `npm run dev`'s entry point in its own process group, as a terminal would. */
function startDev(env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, ["scripts/run.mjs", "dev"], {
    cwd: process.cwd(),
    env: env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const run = { out: "", exited: new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code))) };
  child.stdout.on("data", (d) => (run.out += d));
  child.stderr.on("data", (d) => (run.out += d));
  // Ctrl-C: the terminal sends SIGINT to the whole foreground process group.
  const ctrlC = () => process.kill(-child.pid!, "SIGINT");
  return { run, ctrlC };
}

// Typically 40-60 s; a first start on a cold machine (PostgreSQL's initdb, next dev compiling) takes longest.
it("`npm run dev` serves the app with demo data and logins, restarts without reinstalling, and Ctrl-C leaves nothing running", {
  timeout: 400_000,
}, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "booth-devcmd-"));
  fs.chmodSync(dir, 0o755);
  const ports = {
    app: await freePort(),
    pg: await freePort(),
    http: await freePort(),
    tcp: await freePort(),
    udp: await freePort(),
    turn: await freePort(),
  };
  // A clean environment, as a developer's shell would have: nothing from the test stack leaks in.
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(ports.app),
    BOOTH_PG_PORT: String(ports.pg),
    BOOTH_DATA_DIR: path.join(dir, "data"),
    LIVEKIT_CONFIG_FILE: writeLivekitConfig(dir, ports),
    LIVEKIT_URL: `ws://127.0.0.1:${ports.http}`,
    NEXT_DIST_DIR: ".next-devtest",
  };
  // The printed URL says localhost; the test browser resolves only 127.0.0.1.
  const printed = `http://localhost:${ports.app}`;
  const base = `http://127.0.0.1:${ports.app}`;

  async function untilServing(run: { out: string }) {
    await expect
      .poll(() => run.out.includes(`Booth is running at ${printed}`) || run.out.includes("✗"), {
        timeout: 150_000,
        interval: 250,
      })
      .toBe(true);
    expect(run.out).not.toContain("✗");
  }
  const stop = (dev: ReturnType<typeof startDev>) =>
    step("Ctrl-C stops next, livekit-server and PostgreSQL", 30_000, async () => {
      dev.ctrlC();
      // 130 = 128 + SIGINT, the shell convention for a command stopped with Ctrl-C.
      expect(await dev.run.exited).toBe(130);
      expect(dev.run.out).toMatch(/stopped next[\s\S]*stopped livekit-server[\s\S]*stopped PostgreSQL/);
    });

  const first = startDev(env);
  try {
    await step("the first start prepares PostgreSQL, migrates, seeds and serves", 150_000, () =>
      untilServing(first.run),
    );
    expect(first.run.out).toMatch(/applied \d+ migration\(s\)[\s\S]*adding demo data/);
    expect(first.run.out).toMatch(/Demo logins \(password for all: booth-demo-pass\)/);
    for (const login of ["admin@booth.test", "maya@booth.test", "leo@booth.test", "viewer@booth.test"])
      expect(first.run.out).toContain(login);
    expect(await (await fetch(`${base}/api/health`)).json()).toMatchObject({
      status: "ok",
      checks: { database: { ok: true }, livekit: { ok: true } },
    });
    const profile = await fetch(`${base}/creators/maya-chen`);
    expect(profile.status).toBe(200);
    expect(await profile.text()).toContain("Portfolio review");
  } finally {
    await stop(first);
  }

  const second = startDev(env);
  try {
    await step("the second start serves without installing, building or seeding", 60_000, () =>
      untilServing(second.run),
    );
    // Nothing is installed, built, migrated or seeded again, and the data survived.
    expect(second.run.out).not.toMatch(/installing|building|generating|applied|adding demo data/);
    expect((await fetch(`${base}/creators/leo-park`)).status).toBe(200);

    // A page stays put in the browser: no HMR reload loop (seen once with the proxy running on /_next).
    await step("a page stays put in the browser (no HMR reload loop)", 120_000, async () => {
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        let connects = 0;
        page.on("console", (m) => void (m.text().includes("[HMR] connected") && connects++));
        await page.goto(`${base}/signup`, { timeout: 110_000 });
        await page.waitForTimeout(6000);
        expect(connects).toBeLessThanOrEqual(2);
      } finally {
        await browser.close();
      }
    });
  } finally {
    await stop(second);
  }

  expect(processesMentioning(dir)).toEqual([]);
  for (const port of [ports.app, ports.pg, ports.http]) expect(await portOpen(port), `port ${port}`).toBe(false);
  fs.rmSync(dir, { recursive: true, force: true });
});
