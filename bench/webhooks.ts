/**
 * npm run bench:webhooks — fresh Stripe webhook events applied per second (bench/webhooks-run.ts), measured
 * in the same run for this code and for the code before the purchase pipeline (git revision
 * BENCH_BASELINE_REV, default 43d96c1, checked out into a temporary worktree), alternating, two rounds each.
 * Prints each figure, the medians and the ratio; and, from each run of this code, the rate of single-row
 * transactional inserts into the same embedded PostgreSQL with the ratio fresh events / raw inserts (goal ≥ 0.25×).
 * BENCH_BASELINE_REV=none skips the baseline.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const baselineRev = process.env.BENCH_BASELINE_REV ?? "43d96c1";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

function run(cwd: string, script: string, label: string) {
  const r = spawnSync(path.join(root, "node_modules/.bin/tsx"), ["--conditions=react-server", script], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, BENCH_BASELINE_REV: undefined },
  });
  const out = `${r.stdout}${r.stderr}`;
  const m = /([\d.]+) fresh events\/s applied/.exec(out);
  if (r.status !== 0 || !m) throw new Error(`${label} run failed (exit ${r.status}):\n${out.slice(-2000)}`);
  process.stdout.write(out.replace(/^/gm, `  [${label}] `));
  const raw = /raw single-row transactional inserts: ([\d.]+)\/s/.exec(out);
  if (raw) rawRates.push({ label, fresh: Number(m[1]), raw: Number(raw[1]) });
  return Number(m[1]);
}
const rawRates: { label: string; fresh: number; raw: number }[] = [];

function baselineTree(): string | null {
  if (baselineRev === "none") return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "booth-baseline-"));
  execFileSync("git", ["worktree", "add", "--detach", dir, baselineRev], { cwd: root, stdio: "ignore" });
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  // Its own Prisma client for its own schema (generated offline, as npm run dev does).
  execFileSync(path.join(root, "node_modules/.bin/prisma"), ["generate"], {
    cwd: dir,
    stdio: "ignore",
    env: {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      PRISMA_SCHEMA_ENGINE_BINARY: path.join(root, "scripts/no-schema-engine.sh"),
    },
  });
  return dir;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = baselineTree();
try {
  const now: number[] = [];
  const before: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    now.push(run(root, "bench/webhooks-run.ts", "this code"));
    // A baseline from after the split has its single run in webhooks-run.ts (webhooks.ts runs the rounds).
    const script =
      base && fs.existsSync(path.join(base, "bench/webhooks-run.ts")) ? "bench/webhooks-run.ts" : "bench/webhooks.ts";
    if (base) before.push(run(base, script, `before (${baselineRev})`));
  }
  console.log(`\nwebhook bench, ${ROUNDS} alternating rounds: fresh events/s applied`);
  console.log(`  this code:            ${now.map((x) => x.toFixed(0)).join(", ")} (median ${median(now).toFixed(0)})`);
  // Against the database itself, in the same process and run: how close event handling gets to the raw rate.
  const mine = rawRates.filter((r) => r.label === "this code");
  if (mine.length) {
    const ratios = mine.map((r) => r.fresh / r.raw);
    console.log(
      `  raw single-row transactional inserts/s, same database and run: ${mine.map((r) => r.raw.toFixed(0)).join(", ")}`,
    );
    console.log(
      `  fresh events / raw inserts: ${ratios.map((x) => x.toFixed(2)).join(", ")} (median ${median(ratios).toFixed(2)}×, goal ≥ 0.25×)`,
    );
  }
  if (base) {
    console.log(
      `  before (${baselineRev}):    ${before.map((x) => x.toFixed(0)).join(", ")} (median ${median(before).toFixed(0)})`,
    );
    const theirs = rawRates.filter((r) => r.label !== "this code");
    if (theirs.length)
      console.log(
        `  before: fresh events / raw inserts: ${theirs.map((r) => (r.fresh / r.raw).toFixed(2)).join(", ")} (median ${median(theirs.map((r) => r.fresh / r.raw)).toFixed(2)}×)`,
      );
    console.log(`  this / before: ${(median(now) / median(before)).toFixed(2)}× (goal: at least 0.90×)`);
  }
} finally {
  if (base) execFileSync("git", ["worktree", "remove", "--force", base], { cwd: root, stdio: "ignore" });
}
