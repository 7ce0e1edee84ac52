/**
 * The test stack's production build, reused while nothing it is made from changed. A stamp in the
 * build folder holds two content hashes: what `next build` compiles (`build`) and everything it
 * type-checks (`types`, which also covers tests/, scripts/ and bench/, since tsconfig includes every
 * .ts file). Same `build` hash: the build is reused; if `types` differs too, `tsc --noEmit` checks the
 * whole project instead, so a run never skips the type check of what it runs.
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseEnv } from "@/lib/env-schema";

type Env = Record<string, string | undefined>;

/** What `next build` reads besides node_modules (package-lock.json stands for those). */
export const buildInputs = [
  "app",
  "components",
  "lib",
  "prisma/schema.prisma",
  "public",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.ts",
  "tsconfig.json",
  "postcss.config.mjs",
  "package.json",
  "package-lock.json",
];
/** Generated from prisma/schema.prisma and the prisma version (in package-lock.json), both hashed. */
const derived = ["lib/generated"];
const typeScript = /\.(ts|tsx|mts|cts)$/;

function walk(root: string, rel: string, out: string[], keep: (rel: string) => boolean) {
  const abs = path.join(root, rel);
  const stat = fs.statSync(abs, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(abs).sort()) {
      const child = rel ? `${rel}/${name}` : name;
      // Like tsconfig's globs: dot folders (.next*, .data, .git) and node_modules are not sources.
      if (name.startsWith(".") || name === "node_modules" || derived.includes(child)) continue;
      walk(root, child, out, keep);
    }
  } else if (stat.isFile() && keep(rel)) out.push(rel);
}

/** sha256 over the files' paths and contents, in a fixed order. */
export function hashFiles(root: string, files: string[], extra = ""): string {
  const h = crypto.createHash("sha256").update(extra);
  for (const f of [...files].sort()) h.update(`\0${f}\0`).update(fs.readFileSync(path.join(root, f)));
  return h.digest("hex");
}

/**
 * The build-time environment that can change the build: NODE_ENV, what Next inlines (NEXT_PUBLIC_*)
 * or reads itself (NEXT_*, __NEXT_*), the time zone and Node options, and every variable Booth's
 * env schema knows (next.config.ts parses them; a page prerendered at build time could show them).
 * DATABASE_URL is left out: its port differs every run, and the build only reaches the database
 * when it tries to prerender a page, which then turns out dynamic (a page showing the suite's rows
 * would be wrong on every run, reused or not). Per-run URLs that could end up in a page (APP_URL,
 * LIVEKIT_URL) are fixed for the build by the caller instead, so none is baked in.
 */
export function buildEnvFingerprint(env: Env): string {
  const { DATABASE_URL: _perRun, ...known } = parseEnv(env);
  const next = Object.entries(env)
    .filter(([k]) => /^(NEXT_|__NEXT_|TURBOPACK)/.test(k) || ["NODE_ENV", "TZ", "NODE_OPTIONS"].includes(k))
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify({ node: process.version, known, next });
}

export type Stamp = { build: string; types: string };

export function inputStamp(root: string, env: Env): Stamp {
  const build: string[] = [];
  for (const input of buildInputs) walk(root, input, build, () => true);
  // Next loads these into the build's environment itself.
  for (const f of fs.readdirSync(root).sort()) if (/^\.env(\..+)?$/.test(f) && f !== ".env.example") build.push(f);
  const types: string[] = [];
  walk(root, "", types, (f) => typeScript.test(f) && f !== "next-env.d.ts");
  const buildHash = hashFiles(root, build, buildEnvFingerprint(env));
  return { build: buildHash, types: hashFiles(root, [...types, "tsconfig.json", "package-lock.json"], buildHash) };
}

const stampName = ".booth-build-stamp.json";

export function readStamp(distDir: string): Stamp | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(distDir, stampName), "utf8")) as Stamp;
  } catch {
    return null;
  }
}

export function writeStamp(distDir: string, stamp: Stamp) {
  fs.writeFileSync(path.join(distDir, stampName), `${JSON.stringify(stamp, null, 2)}\n`);
}

/** What to do for `want`, given the stamp the last successful build (or type check) left. */
export function planBuild(have: Stamp | null, want: Stamp): "reuse" | "typecheck" | "build" {
  if (!have || have.build !== want.build) return "build";
  return have.types === want.types ? "reuse" : "typecheck";
}

function runQuiet(cmd: string, args: string[], root: string, env: NodeJS.ProcessEnv) {
  // Async, so that the services started before keep being served by this process's event loop.
  return new Promise<{ status: number | null; output: string }>((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (status) => resolve({ status, output }));
  });
}

/**
 * Builds the app into `env.NEXT_DIST_DIR` unless the stamp says the same inputs were built (and
 * type-checked) already. Returns what it did; throws with the tool's output when it fails.
 */
export async function ensureBuild(
  root: string,
  env: NodeJS.ProcessEnv,
  say: (line: string) => void,
): Promise<"reused" | "type-checked" | "built"> {
  const distDir = path.join(root, env.NEXT_DIST_DIR ?? ".next");
  const want = inputStamp(root, env);
  const plan = planBuild(readStamp(distDir), want);
  const rel = path.relative(root, distDir);
  if (plan === "reuse") {
    say(`reusing the build in ${rel} (nothing it is made from changed)`);
    return "reused";
  }
  if (plan === "typecheck") {
    say(`reusing the build in ${rel}; type-checking the changed tests and scripts (tsc --noEmit)`);
    const tsc = await runQuiet(path.join(root, "node_modules/.bin/tsc"), ["--noEmit"], root, env);
    if (tsc.status !== 0) {
      process.stdout.write(tsc.output);
      throw new Error("type check failed (tsc --noEmit)");
    }
    writeStamp(distDir, want);
    return "type-checked";
  }
  say("building the app (next build)");
  // No stamp while building: a build that fails or is interrupted is never reused.
  fs.rmSync(path.join(distDir, stampName), { force: true });
  const build = await runQuiet(path.join(root, "node_modules/.bin/next"), ["build"], root, env);
  if (build.status !== 0) {
    process.stdout.write(build.output);
    throw new Error("next build failed");
  }
  // A file edited while the build ran: the build may hold either version, so no stamp (next run builds).
  if (planBuild(inputStamp(root, env), want) === "reuse") writeStamp(distDir, want);
  return "built";
}
