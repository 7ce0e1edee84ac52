/**
 * Builds LiveKit Egress at the pinned version into the tools cache (see ./egress.ts), in a process of its own
 * so that `npm run dev` and `npm test` carry on meanwhile:
 *   node --import tsx scripts/services/egress-build.ts <result.json>
 * Writes {ok:true, bin, seconds} or {ok:false, reason} to result.json. Two builds at once (a dev server and
 * a test run) take turns through a lock folder in the cache.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {
  cachedEgress,
  EGRESS_MODULE,
  EGRESS_VERSION,
  type EgressBuild,
  egressAptCommands,
  egressAptPackages,
  egressBin,
  egressDir,
  missingRuntime,
} from "./egress";
import { commandPath, ensureAptPackages } from "./tools";

const resultFile = process.argv[2];
const t0 = Date.now();

function finish(result: EgressBuild): never {
  if (resultFile) fs.writeFileSync(resultFile, JSON.stringify(result));
  console.log(result.ok ? `egress ${EGRESS_VERSION} ready: ${result.bin}` : `recording is off: ${result.reason}`);
  process.exit(0);
}

/** Waits for another build holding the lock (a live process), then takes it. */
async function lock(dir: string) {
  const lockDir = path.join(dir, ".lock");
  const until = Date.now() + 40 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, "pid"), String(process.pid));
      return () => fs.rmSync(lockDir, { recursive: true, force: true });
    } catch {
      const pid = Number(fs.readFileSync(path.join(lockDir, "pid"), "utf8").trim() || 0);
      let alive = false;
      try {
        if (pid) process.kill(pid, 0);
        alive = pid > 0;
      } catch {}
      if (!alive) fs.rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > until) throw new Error("another Egress build held the lock for 40 minutes");
      else await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

/** The module's source: EGRESS_SOURCE_DIR, else what the Go proxy serves; null with the reason when neither. */
function moduleSource(): { dir: string } | { reason: string } {
  const configured = process.env.EGRESS_SOURCE_DIR;
  if (configured) {
    if (!fs.existsSync(path.join(configured, "go.mod")))
      return {
        reason: `EGRESS_SOURCE_DIR=${configured} holds no go.mod (a checkout of livekit/egress ${EGRESS_VERSION})`,
      };
    return { dir: configured };
  }
  const r = spawnSync("go", ["mod", "download", "-json", `${EGRESS_MODULE}@${EGRESS_VERSION}`], {
    encoding: "utf8",
    env: { ...process.env, GOFLAGS: "-mod=mod" },
  });
  try {
    const info = JSON.parse(r.stdout) as { Dir?: string; Error?: string };
    if (info.Dir) return { dir: info.Dir };
    return {
      reason:
        `the Go proxy did not serve ${EGRESS_MODULE}@${EGRESS_VERSION} (${(info.Error ?? "no answer").split("\n")[0]}); ` +
        `set EGRESS_SOURCE_DIR to a checkout of livekit/egress at ${EGRESS_VERSION} and run again`,
    };
  } catch {
    return { reason: `go mod download failed: ${r.stderr.trim().split("\n").at(-1) ?? r.status}` };
  }
}

async function main() {
  const dir = egressDir();
  fs.mkdirSync(dir, { recursive: true });
  // Whether the source can be had at all, before installing GStreamer for nothing (a new machine, when the
  // Go proxy does not serve Egress).
  if (!cachedEgress() && !fs.existsSync(path.join(dir, "src", "go.mod")) && commandPath("go")) {
    const from = moduleSource();
    if ("reason" in from) finish({ ok: false, reason: from.reason, unavailable: true });
  }
  const missing = ensureAptPackages(egressAptCommands, egressAptPackages, "recording (LiveKit Egress)");
  const runtime = missing.length ? missing : missingRuntime();
  if (runtime.length)
    finish({
      ok: false,
      unavailable: true,
      reason:
        `GStreamer, ffmpeg or redis-server are missing (${runtime.join(", ")}). As root they are installed with apt; ` +
        `otherwise run: sudo apt-get install ${egressAptPackages.join(" ")}`,
    });
  if (cachedEgress()) finish({ ok: true, bin: egressBin(), seconds: 0 });
  if (!commandPath("go"))
    finish({
      ok: false,
      unavailable: true,
      reason: "Go is not installed (Egress is built from source with Go 1.24+ and cgo)",
    });

  const unlock = await lock(dir);
  let result: EgressBuild;
  try {
    result = cachedEgress() ? { ok: true, bin: egressBin(), seconds: 0 } : build(dir);
  } finally {
    unlock();
  }
  finish(result);
}

/** Copies the source into the cache (once) and builds it there; the binary is renamed into place when done. */
function build(dir: string): EgressBuild {
  // A writable copy of the source (the module cache is read-only), kept for the next build.
  const src = path.join(dir, "src");
  if (!fs.existsSync(path.join(src, "go.mod"))) {
    const from = moduleSource();
    if ("reason" in from) return { ok: false, reason: from.reason, unavailable: true };
    fs.rmSync(src, { recursive: true, force: true });
    fs.cpSync(from.dir, src, { recursive: true });
    spawnSync("chmod", ["-R", "u+w", src]);
  }
  // Generated upstream (the Room Composite template, which Booth does not use); the build embeds the folder.
  const templates = path.join(src, "cmd/server/templates");
  fs.mkdirSync(templates, { recursive: true });
  if (!fs.existsSync(path.join(templates, "index.html")))
    fs.writeFileSync(path.join(templates, "index.html"), "<!doctype html><title>egress</title>\n");

  console.log(`› building LiveKit Egress ${EGRESS_VERSION} with cgo (first run only; 7–20 minutes cold)…`);
  const tmp = `${egressBin()}.tmp`;
  // `go install` refuses the module's replace directives: build inside its source instead.
  const r = spawnSync("nice", ["-n", "10", "go", "build", "-o", tmp, "./cmd/server"], {
    cwd: src,
    stdio: "inherit",
    env: { ...process.env, CGO_ENABLED: "1", GOFLAGS: "-buildvcs=false" },
  });
  if (r.status !== 0) return { ok: false, reason: `go build of Egress failed (exit code ${r.status})` };
  fs.renameSync(tmp, egressBin());
  fs.writeFileSync(`${egressBin()}.version`, `${EGRESS_VERSION}\n`);
  return { ok: true, bin: egressBin(), seconds: Math.round((Date.now() - t0) / 1000) };
}

main().catch((err) => finish({ ok: false, reason: err instanceof Error ? err.message : String(err) }));
