/**
 * LiveKit Egress (server-side recording), pinned to v1.12.0 and built from its Go source with cgo against
 * Debian's GStreamer 1.22. The binary goes into a tools cache outside the work tree
 * (`~/.cache/booth/egress-v1.12.0/egress`, or BOOTH_TOOLS_CACHE), so a clean checkout does not rebuild it.
 *
 * The build is slow when Go's build cache is cold (7–20 minutes on two busy cores: cgo of go-gst), so both
 * commands run it in a child process (`scripts/services/egress-build.ts`) and never wait for it before the
 * rest of Booth is up: `npm run dev` prints when recording becomes available; `npm test` runs the recording
 * tests last, once it is there. When it cannot be had (not root and GStreamer missing, no Go, the source
 * unavailable), the reason is printed and everything else still works.
 *
 * Where the source comes from: EGRESS_SOURCE_DIR (a checkout of livekit/egress at v1.12.0) when set,
 * else the module as the Go proxy serves it (`go mod download github.com/livekit/egress@v1.12.0`). The
 * copy that was built is kept in the cache (src/), so a later build needs neither.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { httpOk, type Service, startService, waitFor } from "./proc";
import { root } from "./tools";

export const EGRESS_VERSION = "v1.12.0";
export const EGRESS_MODULE = "github.com/livekit/egress";

/** Debian packages Egress needs to build (headers) and run (GStreamer plugins), plus ffprobe and redis-server. */
export const egressAptPackages = [
  "redis-server",
  "pkg-config",
  "gcc",
  "libgstreamer1.0-dev",
  "libgstreamer-plugins-base1.0-dev",
  "libgstreamer-plugins-bad1.0-dev",
  "gstreamer1.0-plugins-base",
  "gstreamer1.0-plugins-good",
  "gstreamer1.0-plugins-bad",
  "gstreamer1.0-plugins-ugly",
  "gstreamer1.0-libav",
  "gstreamer1.0-tools",
  "ffmpeg",
];
/** Commands whose absence means the packages above are missing. */
export const egressAptCommands = ["gst-launch-1.0", "ffprobe", "pkg-config", "gcc", "redis-server"];
/** pkg-config modules the cgo build links against. */
export const egressPkgConfigModules = ["gstreamer-1.0", "gstreamer-app-1.0", "gstreamer-video-1.0"];

export function toolsCacheDir() {
  return (
    process.env.BOOTH_TOOLS_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "booth")
  );
}

/** The folder holding the `egress` binary (put on PATH: Egress starts a copy of itself by name per recording). */
export const egressDir = () => path.join(toolsCacheDir(), `egress-${EGRESS_VERSION}`);
export const egressBin = () => path.join(egressDir(), "egress");

/** The binary when it was built at the pinned version (its stamp says so); null otherwise. */
export function cachedEgress(): string | null {
  const bin = egressBin();
  const stamp = `${bin}.version`;
  if (fs.existsSync(bin) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8").trim() === EGRESS_VERSION)
    return bin;
  return null;
}

/**
 * `unavailable`: what is missing comes from outside the project (the Go proxy does not serve Egress's source,
 * no Go, no root for apt) rather than a build that broke; npm test then skips the recording tests, loudly.
 */
export type EgressBuild =
  | { ok: true; bin: string; seconds: number }
  | { ok: false; reason: string; unavailable?: boolean };

/**
 * Builds Egress (and installs its apt packages when root) in a child process; resolves with the binary or
 * the reason recording is off. Its output goes to `logFile`. Resolves at once when the cached binary is there.
 */
export function buildEgressInBackground(logFile: string): Promise<EgressBuild> {
  const cached = cachedEgress();
  if (cached && missingRuntime().length === 0) return Promise.resolve({ ok: true, bin: cached, seconds: 0 });
  const resultFile = `${logFile}.result.json`;
  fs.rmSync(resultFile, { force: true });
  const out = fs.openSync(logFile, "a");
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(root, "scripts/services/egress-build.ts"), resultFile],
    {
      cwd: root,
      stdio: ["ignore", out, out],
      env: process.env,
    },
  );
  return new Promise((resolve) => {
    child.once("exit", (code) => {
      fs.closeSync(out);
      try {
        resolve(JSON.parse(fs.readFileSync(resultFile, "utf8")) as EgressBuild);
      } catch {
        resolve({ ok: false, reason: `the Egress build stopped (exit code ${code}); see ${logFile}` });
      }
    });
  });
}

/** What Egress needs at run time that is missing (commands, GStreamer pkg-config modules). */
export function missingRuntime(): string[] {
  const missing = egressAptCommands.filter(
    (c) => spawnSync("sh", ["-c", `command -v ${c}`], { stdio: "ignore" }).status !== 0,
  );
  if (!missing.includes("pkg-config")) {
    for (const m of egressPkgConfigModules)
      if (spawnSync("pkg-config", ["--exists", m]).status !== 0) missing.push(`${m} (pkg-config)`);
  }
  return missing;
}

export type EgressConfig = {
  dir: string;
  apiKey: string;
  apiSecret: string;
  wsUrl: string;
  redisAddress: string;
  healthPort: number;
  templatePort: number;
  prometheusPort?: number;
};

/**
 * Egress's config: livekit-server's key pair and URL, the shared Redis, ports away from those in use, and
 * CPU costs raised for a small shared machine. Egress's CPU guard accepts a job only when the machine has
 * its cost free, and kills the job furthest over its cost when the machine stays above 95% for 10 s; on two
 * cores shared with the app and livekit-server the defaults refused or killed small recordings. Booth
 * records Track egress (each track as published, no transcoding), whose real use is a few percent of a core.
 */
export function writeEgressConfig(c: EgressConfig) {
  const yaml = [
    "# LiveKit Egress v1.12.0, written by scripts/services/egress.ts for this run.",
    `api_key: ${c.apiKey}`,
    `api_secret: ${JSON.stringify(c.apiSecret)}`,
    `ws_url: ${c.wsUrl}`,
    "redis:",
    `  address: ${c.redisAddress}`,
    `health_port: ${c.healthPort}`,
    `template_port: ${c.templatePort}`,
    ...(c.prometheusPort ? [`prometheus_port: ${c.prometheusPort}`] : []),
    "logging:",
    "  level: info",
    "cpu_cost:",
    "  max_cpu_utilization: 0.95",
    "  track_cpu_cost: 0.25",
    "  track_composite_cpu_cost: 1.5",
    "  participant_cpu_cost: 1.5",
    "",
  ].join("\n");
  fs.mkdirSync(c.dir, { recursive: true });
  const file = path.join(c.dir, "egress.yaml");
  fs.writeFileSync(file, yaml, { mode: 0o600 });
  return file;
}

/**
 * Starts Egress with `config`. Booth asks it to write finished files under `spoolDir` (absolute paths: its
 * recording handlers run from "/"), where Booth picks them up and moves them into storage.
 */
export async function startEgress(opts: {
  bin: string;
  configFile: string;
  spoolDir: string;
  healthPort: number;
  logFile: string;
}): Promise<Service> {
  fs.mkdirSync(opts.spoolDir, { recursive: true });
  const svc = startService("egress", opts.bin, ["--config", opts.configFile], {
    cwd: opts.spoolDir,
    logFile: opts.logFile,
    // Egress runs a copy of itself by name for each recording.
    env: { ...process.env, PATH: `${path.dirname(opts.bin)}${path.delimiter}${process.env.PATH ?? ""}` },
  });
  await waitFor("egress", () => httpOk(`http://127.0.0.1:${opts.healthPort}/`), 60_000, svc);
  return svc;
}
