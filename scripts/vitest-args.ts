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

/** The Vitest project of the recording tests: it needs LiveKit Egress, whose first build is slow, so it runs last. */
export const RECORDING_PROJECT = "recording";
const PROJECTS_BUT_RECORDING = ["unit", "integration", "e2e", "networks"];

/**
 * Splits a run that needs the stack in two: everything but the recording project first (while Egress builds
 * in the background), then the recording project once Egress is there. Either part is null when the
 * arguments select nothing of it (a project, or files under tests/recording/ or elsewhere).
 */
export function planRecordingRun(
  args: string[],
  root = process.cwd(),
): { main: string[] | null; recording: string[] | null } {
  const projects: string[] = [];
  const files: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith("-")) {
      const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
      const value = inline ?? (takesValue.has(flag) ? args[++i] : undefined);
      if (flag === "--project" && value !== undefined) projects.push(value);
      else flags.push(arg, ...(inline === undefined && value !== undefined ? [value] : []));
      continue;
    }
    files.push(arg);
  }
  const underRecording = (f: string) => {
    const rel = path.relative(root, path.resolve(root, f)).split(path.sep).join("/");
    return rel === "tests/recording" || rel.startsWith("tests/recording/");
  };
  const withProjects = (ps: string[], fs: string[]) => [...flags, ...fs, ...ps.flatMap((p) => ["--project", p])];
  if (projects.length) {
    const others = projects.filter((p) => p !== RECORDING_PROJECT);
    return {
      main: others.length ? withProjects(others, files) : null,
      recording: projects.includes(RECORDING_PROJECT) ? withProjects([RECORDING_PROJECT], files) : null,
    };
  }
  if (files.length) {
    const rec = files.filter(underRecording);
    const rest = files.filter((f) => !underRecording(f));
    return {
      main: rest.length ? withProjects(PROJECTS_BUT_RECORDING, rest) : null,
      recording: rec.length ? withProjects([RECORDING_PROJECT], rec) : null,
    };
  }
  return { main: withProjects(PROJECTS_BUT_RECORDING, []), recording: withProjects([RECORDING_PROJECT], []) };
}

/** The network matrix (tests/networks): it measures time to first media, so it runs on its own. */
export const NETWORKS_PROJECT = "networks";

/**
 * Splits the first part of a run (Vitest arguments with explicit `--project` flags, as planRecordingRun
 * gives them) so the network matrix runs after the other projects, alone: run beside them on a loaded
 * 2-core machine, its Chromium (inside a network namespace) was closed in the middle of a row. Files named
 * go to the part they belong to; a part that the arguments leave nothing in is null.
 */
export function splitNetworksRun(
  args: string[],
  root = process.cwd(),
): { others: string[] | null; networks: string[] | null } {
  const projects: string[] = [];
  const files: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--project" && i + 1 < args.length) projects.push(args[++i]!);
    else if (arg.startsWith("-")) {
      flags.push(arg);
      if (takesValue.has(arg) && i + 1 < args.length) flags.push(args[++i]!);
    } else files.push(arg);
  }
  if (!projects.includes(NETWORKS_PROJECT)) return { others: args, networks: null };
  const underNetworks = (f: string) => {
    const rel = path.relative(root, path.resolve(root, f)).split(path.sep).join("/");
    return rel === "tests/networks" || rel.startsWith("tests/networks/");
  };
  const netFiles = files.filter(underNetworks);
  const otherFiles = files.filter((f) => !underNetworks(f));
  const rest = projects.filter((p) => p !== NETWORKS_PROJECT);
  const part = (ps: string[], fs: string[]) => [...flags, ...fs, ...ps.flatMap((p) => ["--project", p])];
  return {
    others: rest.length && (files.length === 0 || otherFiles.length) ? part(rest, otherFiles) : null,
    networks: files.length === 0 || netFiles.length ? part([NETWORKS_PROJECT], netFiles) : null,
  };
}
