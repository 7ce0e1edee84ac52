/**
 * What `npm test -- <args>` selects, read from Vitest's own arguments: a run of the unit project
 * alone needs no PostgreSQL, livekit-server, stripe-mock, Chromium or build.
 */
import path from "node:path";

/** Vitest options that take the next argument as their value (so it is not a file filter). */
const takesValue = new Set([
  "-t",
  "--testNamePattern",
  "--project",
  "-r",
  "--root",
  "--dir",
  "-c",
  "--config",
  "--reporter",
  "--outputFile",
  "--shard",
  "--bail",
  "--retry",
  "--exclude",
  "--pool",
  "--maxWorkers",
  "--testTimeout",
  "--hookTimeout",
  "--environment",
  "--mode",
  "--tags-filter",
]);

export type Selection = {
  /** Only the unit project runs: no services, no build. */
  unitOnly: boolean;
  /** The arguments to hand to Vitest (`--project unit` added when files under tests/unit/ chose it). */
  vitestArgs: string[];
};

/** Classifies Vitest's arguments; anything it cannot read for sure counts as "needs the stack". */
export function classifyVitestArgs(args: string[], root = process.cwd()): Selection {
  const projects: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith("-")) {
      const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
      const value = inline ?? (takesValue.has(flag) ? args[++i] : undefined);
      if (flag === "--project" && value !== undefined) projects.push(value);
      continue;
    }
    files.push(arg);
  }
  const underUnit = (f: string) => {
    const rel = path.relative(root, path.resolve(root, f)).split(path.sep).join("/");
    return rel === "tests/unit" || rel.startsWith("tests/unit/");
  };
  if (projects.length) return { unitOnly: projects.every((p) => p === "unit"), vitestArgs: args };
  if (files.length && files.every(underUnit)) return { unitOnly: true, vitestArgs: [...args, "--project", "unit"] };
  return { unitOnly: false, vitestArgs: args };
}
