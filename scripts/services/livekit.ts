import fs from "node:fs";
import path from "node:path";
import { portOpen, type Service, startService, waitFor } from "./proc";
import { root } from "./tools";

export const livekitConfigPath = path.join(root, "scripts/services/livekit.yaml");

export type LivekitPorts = { http: number; tcp: number; udp: number; turn: number; app: number; prometheus: number };

/**
 * TURN over TLS, when a certificate is configured: LIVEKIT_TURN_TLS_CERT and LIVEKIT_TURN_TLS_KEY
 * (PEM files), LIVEKIT_TURN_DOMAIN (the name on the certificate) and LIVEKIT_TURN_TLS_PORT (default
 * 5349; 443 in production, see README "Production"). Null when not configured: TURN/UDP only.
 */
export function turnTlsFromEnv(e: Record<string, string | undefined> = process.env) {
  const cert = e.LIVEKIT_TURN_TLS_CERT;
  const key = e.LIVEKIT_TURN_TLS_KEY;
  if (!cert && !key) return null;
  if (!cert || !key || !e.LIVEKIT_TURN_DOMAIN) {
    throw new Error(
      "TURN/TLS needs LIVEKIT_TURN_TLS_CERT, LIVEKIT_TURN_TLS_KEY and LIVEKIT_TURN_DOMAIN together (or none of them)",
    );
  }
  for (const f of [cert, key]) if (!fs.existsSync(f)) throw new Error(`TURN/TLS file not found: ${f}`);
  return {
    cert: path.resolve(cert),
    key: path.resolve(key),
    domain: e.LIVEKIT_TURN_DOMAIN,
    port: Number(e.LIVEKIT_TURN_TLS_PORT ?? 5349),
  };
}

export type TurnTls = NonNullable<ReturnType<typeof turnTlsFromEnv>>;

/**
 * scripts/services/livekit.yaml with other ports (those given), written to `dir`: the tests run their
 * own livekit-server beside a developer's `npm run dev` without colliding, and `npm run dev` points
 * webhooks at its own port. Webhooks are signed with `apiKey`'s secret (LIVEKIT_API_KEY). With `tls`,
 * the embedded TURN also listens for TURN/TLS. With `redisAddress`, livekit-server uses that Redis (Egress,
 * the recorder, finds it there; several nodes share rooms through it).
 */
export function writeLivekitConfig(
  dir: string,
  ports: Partial<LivekitPorts>,
  tls: TurnTls | null = turnTlsFromEnv(),
  apiKey = process.env.LIVEKIT_API_KEY ?? "devkey",
  redisAddress?: string,
) {
  if (!/^[\w-]+$/.test(apiKey)) throw new Error("LIVEKIT_API_KEY may hold only letters, digits, _ and -");
  let yaml = fs.readFileSync(livekitConfigPath, "utf8").replace(/^ {2}api_key: .*$/m, `  api_key: ${apiKey}`);
  if (ports.http) yaml = yaml.replace(/^port: \d+/m, `port: ${ports.http}`);
  if (ports.tcp) yaml = yaml.replace(/tcp_port: \d+/, `tcp_port: ${ports.tcp}`);
  if (ports.udp) yaml = yaml.replace(/ {2}udp_port: 7882/, `  udp_port: ${ports.udp}`);
  if (ports.turn) yaml = yaml.replace(/udp_port: 3478/, `udp_port: ${ports.turn}`);
  if (ports.prometheus) yaml += `prometheus:\n  port: ${ports.prometheus}\n`;
  if (ports.app) yaml = yaml.replace(/127\.0\.0\.1:3000/, `127.0.0.1:${ports.app}`);
  if (tls) {
    yaml = yaml.replace(
      /^turn:\n/m,
      `turn:\n  # TURN/TLS (certificate configured): clients behind firewalls that allow only TLS reach the relay.\n  domain: ${tls.domain}\n  tls_port: ${tls.port}\n  cert_file: ${tls.cert}\n  key_file: ${tls.key}\n`,
    );
  }
  if (redisAddress) yaml += `redis:\n  address: ${redisAddress}\n`;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "livekit.yaml");
  fs.writeFileSync(file, yaml);
  return file;
}

/**
 * How many livekit-server nodes `npm run dev` runs: `--nodes N` (or `--nodes=N`) on its command line, else
 * LIVEKIT_NODES, else 1. Two or more share rooms through Redis (README, "Production topology").
 */
export function livekitNodeCount(argv: string[], e: Record<string, string | undefined> = process.env) {
  let raw = e.LIVEKIT_NODES || "1";
  let from = "LIVEKIT_NODES";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--nodes") [raw, from] = [argv[++i] ?? "", "--nodes"];
    else if (arg.startsWith("--nodes=")) [raw, from] = [arg.slice("--nodes=".length), "--nodes"];
    else throw new Error(`Unknown argument "${arg}": npm run dev takes --nodes N (e.g. \`npm run dev -- --nodes 2\`).`);
  }
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 9)
    throw new Error(`${from} must be a whole number from 1 to 9, not "${raw}".`);
  return n;
}

/**
 * The ports of node `k` (0 for the first) of `npm run dev`'s LiveKit. The first has the usual ones (HTTP and
 * WebSocket 7880, ICE/TCP 7881, media UDP 7882, TURN/UDP 3478, Prometheus 6789); each further node's HTTP,
 * ICE/TCP and UDP ports are 10 higher (7890, 7891, 7892 for the second) and its TURN and Prometheus ports one
 * higher. LIVEKIT_PORT, LIVEKIT_TURN_PORT and LIVEKIT_PROMETHEUS_PORT move the first node's (0 turns
 * Prometheus off on every node).
 */
export function devNodePorts(k: number, e: Record<string, string | undefined> = process.env) {
  const num = (name: string, fallback: number) => {
    const v = e[name] ? Number(e[name]) : fallback;
    if (!Number.isInteger(v) || v < 0 || v > 65_535)
      throw new Error(`${name} must be a port number, not "${e[name]}".`);
    return v;
  };
  const http = num("LIVEKIT_PORT", 7880) + 10 * k;
  const prometheus = num("LIVEKIT_PROMETHEUS_PORT", 6789);
  return {
    http,
    tcp: http + 1,
    udp: http + 2,
    turn: num("LIVEKIT_TURN_PORT", 3478) + k,
    prometheus: prometheus ? prometheus + k : 0,
  };
}

export type LivekitNode = Service & { url: string; httpUrl: string };

/**
 * Starts one livekit-server with `configFile` (from writeLivekitConfig) and waits until its `port` answers.
 * Its keys come from the environment (LIVEKIT_KEYS), never from a file. Nodes of a cluster each get their own
 * config, ports and log, and the same `redis:`.
 */
export async function startLivekitNode(opts: {
  bin: string;
  name: string;
  configFile: string;
  port: number;
  apiKey: string;
  apiSecret: string;
  env?: NodeJS.ProcessEnv;
  logFile?: string;
  timeoutMs?: number;
}): Promise<LivekitNode> {
  // livekit-server takes every LIVEKIT_<SETTING> in its environment as that setting (LIVEKIT_PORT is `port`,
  // LIVEKIT_PROMETHEUS_PORT `prometheus.port`): Booth's own LIVEKIT_* variables would give every node the first
  // node's ports. None reach it; each node runs on its config file, and its keys.
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(opts.env ?? process.env).filter(([k]) => !k.startsWith("LIVEKIT_")),
  ) as NodeJS.ProcessEnv;
  const svc = startService(opts.name, opts.bin, ["--config", opts.configFile], {
    env: { ...env, LIVEKIT_KEYS: `${opts.apiKey}: ${opts.apiSecret}` },
    logFile: opts.logFile,
  });
  try {
    await waitFor(opts.name, () => portOpen(opts.port), opts.timeoutMs ?? 20_000, svc);
  } catch (err) {
    await svc.stop();
    throw err;
  }
  return { ...svc, url: `ws://127.0.0.1:${opts.port}`, httpUrl: `http://127.0.0.1:${opts.port}` };
}
