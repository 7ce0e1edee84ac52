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
