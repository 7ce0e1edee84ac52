// Entry point of `npm run dev` and `npm test`. It uses nothing outside Node itself, because its
// first job is to install the dependencies when they are missing or out of date; then it hands
// over to scripts/dev.ts or scripts/test.ts, run by tsx.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const mode = process.argv[2];
if (mode !== "dev" && mode !== "test") {
  console.error("usage: node scripts/run.mjs dev|test");
  process.exit(2);
}

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Booth needs Node 20.19 or newer; this is ${process.versions.node}.`);
  process.exit(1);
}

function installStamp() {
  const h = crypto.createHash("sha256");
  for (const f of ["package.json", "package-lock.json"]) {
    const p = path.join(root, f);
    if (fs.existsSync(p)) h.update(fs.readFileSync(p));
  }
  return h.digest("hex");
}

const stampFile = path.join(root, "node_modules", ".booth-install-stamp");
const want = installStamp();
const have = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, "utf8") : "";
if (have !== want) {
  console.log("› installing dependencies (npm install)…");
  // `npm ci` cannot be used: the lockfile made here lacks other platforms' optional packages.
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: root,
    stdio: "inherit",
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  // Replaced, not written in place: a node_modules hard-linked into another checkout keeps its own stamp.
  fs.writeFileSync(`${stampFile}.tmp`, installStamp());
  fs.renameSync(`${stampFile}.tmp`, stampFile);
}

const child = spawn(
  process.execPath,
  ["--import", "tsx", path.join(root, "scripts", `${mode}.ts`), ...process.argv.slice(3)],
  {
    cwd: root,
    stdio: "inherit",
  },
);
// Ctrl-C reaches the child through the terminal's process group; we only wait for it to clean up.
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
