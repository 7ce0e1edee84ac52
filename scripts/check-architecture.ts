/**
 * npm run check:architecture — Booth's import rules (.dependency-cruiser.cjs: no cycles, lib/ never imports
 * app/ or components/, payments never imports a feature, shared leaves import no domain, rules folders stay
 * pure), plus one rule that needs the whole graph: browser code (components/) never imports server code,
 * that is a lib/ module that imports "server-only" (server actions excepted: Next.js turns those into
 * references). Also flagged: `await import()` inside lib/, which only ever served to dodge a cycle.
 *
 *   tsx scripts/check-architecture.ts [--root DIR]   exit 0 when clean, 1 with the violations listed
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

type Dependency = { resolved: string; module: string; dependencyTypes: string[] };
type Module = { source: string; dependencies: Dependency[] };
type Violation = { rule: { name: string }; from: string; to: string; cycle?: { name: string }[] };
type Result = { modules: Module[]; summary: { violations: Violation[]; error: number } };

export function checkArchitecture(root: string): string[] {
  const bin = path.join(import.meta.dirname, "..", "node_modules", ".bin", "depcruise");
  const folders = ["lib", "app", "components"].filter((f) => fs.existsSync(path.join(root, f)));
  let out: string;
  try {
    out = execFileSync(bin, [...folders, "--config", ".dependency-cruiser.cjs", "--output-type", "json"], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (err) {
    // depcruise exits non-zero on violations but still prints its JSON.
    out = String((err as { stdout?: string }).stdout ?? "");
    if (!out.trim().startsWith("{")) throw err;
  }
  const result = JSON.parse(out) as Result;
  const problems = result.summary.violations.map((v) =>
    v.cycle?.length
      ? `${v.rule.name}: ${[v.from, ...v.cycle.map((c) => c.name)].join(" → ")}`
      : `${v.rule.name}: ${v.from} → ${v.to}`,
  );

  const serverCode = new Set(
    result.modules
      .filter((m) => m.source.startsWith("lib/") && m.dependencies.some((d) => d.module === "server-only"))
      .map((m) => m.source),
  );
  for (const m of result.modules) {
    if (!m.source.startsWith("components/")) continue;
    for (const d of m.dependencies) {
      if (d.dependencyTypes.includes("type-only") || !serverCode.has(d.resolved)) continue;
      if (/^lib\/.+\/actions\.ts$/.test(d.resolved)) continue;
      problems.push(`components-not-to-server-code: ${m.source} → ${d.resolved} (imports server-only)`);
    }
  }

  for (const m of result.modules) {
    if (!m.source.startsWith("lib/")) continue;
    const text = fs.readFileSync(path.join(root, m.source), "utf8");
    if (/\bawait\s+import\s*\(\s*["']/.test(text))
      problems.push(`no-dynamic-import-in-lib: ${m.source} uses await import()`);
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf("--root");
  const root = path.resolve(i > 0 ? process.argv[i + 1]! : path.join(import.meta.dirname, ".."));
  const problems = checkArchitecture(root);
  if (problems.length) {
    console.error(`✗ architecture: ${problems.length} violation(s)\n${problems.map((p) => `  ${p}`).join("\n")}`);
    process.exit(1);
  }
  console.log("✓ architecture: no cycles, imports run one way, browser code imports no server code");
}
