import fs from "node:fs";
import { portOpen, type Service, startService, waitFor } from "./proc";
import { commandPath, ensureAptPackages } from "./tools";

/**
 * Debian's redis-server, which LiveKit needs to run on several nodes and to coordinate with Egress.
 * Installed with apt when root; null (with the reason printed by the caller) when it cannot be had.
 */
export function ensureRedisServer(): string | null {
  const missing = ensureAptPackages(["redis-server"], ["redis-server"], "LiveKit's Redis (recording, several nodes)");
  return missing.length ? null : commandPath("redis-server");
}

export const redisMissingHelp =
  "redis-server is not installed: run `sudo apt-get install redis-server` (or run this command as root).";

/**
 * Starts a private redis-server on loopback: no persistence unless `dataDir` is given, no protected
 * mode games (it listens on 127.0.0.1 only). The caller stops it with the returned service.
 */
export async function startRedis(opts: {
  bin: string;
  port: number;
  dataDir?: string;
  logFile?: string;
}): Promise<Service & { url: string; address: string }> {
  const args = ["--port", String(opts.port), "--bind", "127.0.0.1", "--daemonize", "no"];
  if (opts.dataDir) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    args.push("--dir", opts.dataDir, "--appendonly", "yes");
  } else {
    args.push("--save", "", "--appendonly", "no");
  }
  const svc = startService("redis-server", opts.bin, args, { logFile: opts.logFile });
  await waitFor("redis-server", () => portOpen(opts.port), 20_000, svc);
  return { ...svc, url: `redis://127.0.0.1:${opts.port}`, address: `127.0.0.1:${opts.port}` };
}
