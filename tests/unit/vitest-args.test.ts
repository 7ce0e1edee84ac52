import { describe, expect, it } from "vitest";
import { classifyVitestArgs, planRecordingRun, splitNetworksRun } from "../../scripts/vitest-args";
import config from "../../vitest.config";

const root = "/repo";
const unitOnly = (...args: string[]) => classifyVitestArgs(args, root).unitOnly;

describe("npm test's reading of Vitest's arguments", () => {
  it("runs the unit project alone, without services or a build, for --project unit", () => {
    expect(unitOnly("--project", "unit")).toBe(true);
    expect(unitOnly("--project=unit")).toBe(true);
    expect(unitOnly("--project", "unit", "-t", "money")).toBe(true);
    expect(unitOnly("--project", "unit", "--project", "unit")).toBe(true);
  });

  it("runs the unit project alone for files under tests/unit/ only, and says so to Vitest", () => {
    expect(classifyVitestArgs(["tests/unit/env.test.ts"], root)).toEqual({
      unitOnly: true,
      vitestArgs: ["tests/unit/env.test.ts", "--project", "unit"],
    });
    expect(unitOnly("./tests/unit/")).toBe(true);
    expect(unitOnly("tests/unit")).toBe(true);
    expect(unitOnly("/repo/tests/unit/slots.test.ts", "tests/unit/pure.test.ts")).toBe(true);
    expect(unitOnly("tests/unit/pure.test.ts", "--reporter", "verbose")).toBe(true);
  });

  it("starts the stack for everything else", () => {
    expect(unitOnly()).toBe(false);
    expect(unitOnly("--project", "integration")).toBe(false);
    expect(unitOnly("--project", "unit", "--project", "e2e")).toBe(false);
    expect(unitOnly("--project=unit*")).toBe(false);
    expect(unitOnly("tests/unit/pure.test.ts", "tests/integration/auth.test.ts")).toBe(false);
    expect(unitOnly("tests/unitx/a.test.ts")).toBe(false);
    expect(unitOnly("env")).toBe(false); // a filter that may match files in every project
    expect(unitOnly("-t", "tests/unit/x")).toBe(false); // a test name, not a file
    expect(unitOnly("--dir", "tests/unit")).toBe(false); // not read: the stack is the safe side
  });

  it("gives the unit project an environment of its own, enough for lib/env.ts, whatever the stack set", async () => {
    expect([process.env.BOOTH_TEST, process.env.BOOTH_BASE_URL]).toEqual(["", ""]);
    const { env } = await import("@/lib/env");
    expect(env.DATABASE_URL).toMatch(/unit-tests-have-no-database/);
  });

  it("leaves the arguments as they were unless it added --project unit", () => {
    expect(classifyVitestArgs(["--project", "unit", "tests/unit/a.test.ts"], root).vitestArgs).toEqual([
      "--project",
      "unit",
      "tests/unit/a.test.ts",
    ]);
    expect(classifyVitestArgs(["tests/e2e"], root).vitestArgs).toEqual(["tests/e2e"]);
  });
});

describe("npm test's split of a run around the recording tests (they wait for Egress's build)", () => {
  const plan = (...args: string[]) => planRecordingRun(args, root);
  it("runs every other project first and the recording project last when nothing is chosen", () => {
    expect(plan()).toEqual({
      main: ["--project", "unit", "--project", "integration", "--project", "e2e", "--project", "networks"],
      recording: ["--project", "recording"],
    });
    expect(plan("--reporter", "verbose").recording).toEqual(["--reporter", "verbose", "--project", "recording"]);
  });
  it("a plain npm test runs every project vitest.config.ts defines (a project left out would never run)", () => {
    const defined = (config.test?.projects ?? []).map((p) => (p as { test?: { name?: string } }).test?.name).sort();
    const { main, recording } = plan();
    const run = [...(main ?? []), ...(recording ?? [])].filter((_a, i, all) => all[i - 1] === "--project").sort();
    expect(defined.length).toBeGreaterThan(3);
    expect(run).toEqual(defined);
  });
  it("runs only the part the files or projects chosen belong to", () => {
    expect(plan("tests/integration/auth.test.ts")).toEqual({
      main: [
        "tests/integration/auth.test.ts",
        "--project",
        "unit",
        "--project",
        "integration",
        "--project",
        "e2e",
        "--project",
        "networks",
      ],
      recording: null,
    });
    expect(plan("tests/recording/egress.test.ts")).toEqual({
      main: null,
      recording: ["tests/recording/egress.test.ts", "--project", "recording"],
    });
    expect(plan("--project", "e2e")).toEqual({ main: ["--project", "e2e"], recording: null });
    expect(plan("--project=recording", "-t", "retention")).toEqual({
      main: null,
      recording: ["-t", "retention", "--project", "recording"],
    });
  });
});

describe("npm test's first part: the network matrix runs after the other projects, on its own", () => {
  const split = (...args: string[]) => splitNetworksRun(args, root);
  const all = ["--project", "unit", "--project", "integration", "--project", "e2e", "--project", "networks"];
  it("a plain run: the other projects, then the matrix alone", () => {
    expect(split(...all)).toEqual({
      others: ["--project", "unit", "--project", "integration", "--project", "e2e"],
      networks: ["--project", "networks"],
    });
    expect(split("-t", "money", ...all)).toEqual({
      others: ["-t", "money", "--project", "unit", "--project", "integration", "--project", "e2e"],
      networks: ["-t", "money", "--project", "networks"],
    });
  });
  it("files go to the part they belong to; a part with none of them does not run", () => {
    expect(split("tests/integration/auth.test.ts", ...all)).toEqual({
      others: ["tests/integration/auth.test.ts", "--project", "unit", "--project", "integration", "--project", "e2e"],
      networks: null,
    });
    expect(split("tests/networks/matrix.test.ts", ...all)).toEqual({
      others: null,
      networks: ["tests/networks/matrix.test.ts", "--project", "networks"],
    });
  });
  it("a run without the matrix is left as it is; the matrix named alone runs alone", () => {
    expect(split("--project", "e2e")).toEqual({ others: ["--project", "e2e"], networks: null });
    expect(split("--project", "networks")).toEqual({ others: null, networks: ["--project", "networks"] });
  });
});
