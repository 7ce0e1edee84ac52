/** Shared by the benches that build the app: a copy of the working tree to run `next build` in. */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

/**
 * The app as the working tree has it now (tracked and untracked, not ignored; plus the generated Prisma
 * client), without tests/ and bench/, and node_modules hard-linked: `next build` may then rewrite this
 * copy's tsconfig.json and next-env.d.ts, not the shared checkout's.
 */
export function snapshotApp(dest: string) {
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: root, maxBuffer: 64 << 20 })
    .toString("utf8")
    .split("\0")
    .filter(Boolean);
  for (const f of files) {
    if (/^(tests|bench)\//.test(f)) continue;
    const src = path.join(root, f);
    if (!fs.existsSync(src) || !fs.statSync(src).isFile()) continue;
    fs.mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
    fs.copyFileSync(src, path.join(dest, f));
  }
  fs.cpSync(path.join(root, "lib/generated"), path.join(dest, "lib/generated"), { recursive: true });
  const cp = spawnSync("cp", ["-al", path.join(root, "node_modules"), path.join(dest, "node_modules")], {
    stdio: "inherit",
  });
  if (cp.status !== 0) throw new Error("could not hard-link node_modules into the build copy");
  // A repository of its own, so that Tailwind's scanner honours .gitignore there as it does here.
  spawnSync("git", ["init", "-q"], { cwd: dest });
  // Others edit the checkout while this runs: a type error in a file they are half-way through (a page the
  // bench never opens) must not stop the bench. Type checking is npm run typecheck's job, not this build's.
  fs.renameSync(path.join(dest, "next.config.ts"), path.join(dest, "next.config.base.ts"));
  fs.writeFileSync(
    path.join(dest, "next.config.ts"),
    `import type { NextConfig } from "next";\nimport base from "./next.config.base";\n` +
      `const config: NextConfig = { ...base, typescript: { ...base.typescript, ignoreBuildErrors: true } };\nexport default config;\n`,
  );
}

/**
 * A copy of the working tree (snapshotApp) in `dest`, built with `next build` under `env`; returns the copy's
 * `next` binary, to start it. Throws with the build's last lines when it fails.
 */
export function buildAppCopy(dest: string, env: NodeJS.ProcessEnv) {
  snapshotApp(dest);
  const next = path.join(dest, "node_modules/.bin/next");
  const build = spawnSync(next, ["build"], { cwd: dest, env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (build.status !== 0) {
    process.stdout.write(build.stdout.split("\n").slice(-60).join("\n"));
    process.stderr.write(build.stderr.split("\n").slice(-60).join("\n"));
    throw new Error("next build failed (the working tree is built as it is now)");
  }
  return next;
}
