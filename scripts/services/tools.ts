import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "../..");
export const toolsBin = path.join(root, ".tools", "bin");

function which(cmd: string) {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: env ?? process.env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed with exit code ${r.status}`);
}

/** Go programs Booth runs, each built from source with `go install` at a pinned version. */
export const goTools = {
  "livekit-server": { module: "github.com/livekit/livekit-server/cmd/server", version: "v1.13.5", built: "server" },
  "stripe-mock": { module: "github.com/stripe/stripe-mock", version: "v0.203.0", built: "stripe-mock" },
  /** An S3-compatible server for the storage module's S3 test (test runs only). */
  gofakes3: { module: "github.com/johannesboyne/gofakes3/cmd/gofakes3", version: "v1.2.0", built: "gofakes3" },
} as const;

export type GoTool = keyof typeof goTools;

export const goMissingHelp = (tool: GoTool) =>
  `${tool} is built from source with Go, which is not installed here.\n` +
  `  Install Go 1.24 or newer (https://go.dev/dl/ or your package manager), then run this command again;\n` +
  `  or put a ${tool} ${goTools[tool].version} binary at ${path.relative(root, path.join(toolsBin, tool))}.`;

/** Returns the binary's path, building it when missing or at another version; null when Go is missing. */
export function ensureGoTool(tool: GoTool): string | null {
  const spec = goTools[tool];
  const bin = path.join(toolsBin, tool);
  const versionFile = `${bin}.version`;
  if (fs.existsSync(bin) && fs.existsSync(versionFile) && fs.readFileSync(versionFile, "utf8").trim() === spec.version)
    return bin;
  if (!which("go")) return null;
  console.log(`› building ${tool} ${spec.version} with go install (first run only; a few minutes)…`);
  fs.mkdirSync(toolsBin, { recursive: true });
  // CGO off: a static binary, and no C toolchain needed. GOFLAGS cleared so a user's -mod=vendor cannot interfere.
  run("go", ["install", `${spec.module}@${spec.version}`], {
    ...process.env,
    CGO_ENABLED: "0",
    GOBIN: toolsBin,
    GOFLAGS: "",
  });
  if (spec.built !== tool) fs.renameSync(path.join(toolsBin, spec.built), bin);
  fs.writeFileSync(versionFile, `${spec.version}\n`);
  return bin;
}

/** apt-get waits this long for another apt or dpkg to finish instead of failing at once. */
const aptLockWait = ["-o", "DPkg::Lock::Timeout=900"];

/**
 * Installs Debian packages with apt-get when we are root and any of `commands` is missing; returns the
 * commands still missing afterwards (empty when all are there). Never fails: callers say what is off.
 */
export function ensureAptPackages(commands: string[], packages: string[], why: string): string[] {
  const missing = () => commands.filter((c) => !which(c));
  if (missing().length === 0) return [];
  if (process.getuid?.() === 0 && which("apt-get")) {
    console.log(`› installing ${packages.join(" ")} with apt-get for ${why} (first run only)…`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    // The build of Egress installs its packages beside the Chromium install of the same run: wait for the lock.
    const update = spawnSync("apt-get", [...aptLockWait, "update", "-qq"], { stdio: "inherit", env });
    if (update.status === 0)
      spawnSync("apt-get", [...aptLockWait, "install", "-y", "-qq", "--no-install-recommends", ...packages], {
        stdio: "inherit",
        env,
      });
  }
  return missing();
}

/** The path of a command on PATH, or null. */
export function commandPath(cmd: string): string | null {
  return which(cmd);
}

/** Debian's Chromium for the end-to-end tests; installed with apt when we are root. */
export function ensureChromium(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!fs.existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
    return configured;
  }
  const found = which("chromium") ?? which("chromium-browser");
  if (found) return found;
  if (process.getuid?.() === 0 && which("apt-get")) {
    console.log("› installing Debian's chromium with apt-get (first run only)…");
    run("apt-get", [...aptLockWait, "update", "-qq"]);
    run("apt-get", [...aptLockWait, "install", "-y", "-qq", "--no-install-recommends", "chromium"], {
      ...process.env,
      DEBIAN_FRONTEND: "noninteractive",
    });
    const installed = which("chromium");
    if (installed) return installed;
  }
  throw new Error(
    "Chromium is needed for the end-to-end tests: `sudo apt-get install chromium`, or set CHROMIUM_PATH.",
  );
}

/** Prisma needs *a* schema engine binary to exist even for `generate`; ours explains that it is offline. */
export const prismaEnv = {
  CHECKPOINT_DISABLE: "1",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  PRISMA_SCHEMA_ENGINE_BINARY: path.join(root, "scripts", "no-schema-engine.sh"),
};

/** Runs `prisma generate` when schema.prisma or the prisma version changed since the last run. */
export function ensurePrismaClient() {
  const schema = fs.readFileSync(path.join(root, "prisma", "schema.prisma"));
  const version = JSON.parse(
    fs.readFileSync(path.join(root, "node_modules", "prisma", "package.json"), "utf8"),
  ).version;
  const stamp = crypto.createHash("sha256").update(schema).update(version).digest("hex");
  const out = path.join(root, "lib", "generated", "prisma");
  const stampFile = path.join(out, ".stamp");
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === stamp) return;
  console.log("› generating the Prisma client…");
  run(path.join(root, "node_modules", ".bin", "prisma"), ["generate"], { ...process.env, ...prismaEnv });
  fs.writeFileSync(stampFile, stamp);
}
