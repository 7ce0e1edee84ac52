/**
 * The network matrix's lab (tests/networks): two network namespaces, a dedicated livekit-server and a
 * dedicated `next start` that the namespaces can reach, and one row's network conditions at a time.
 *
 *   host (root namespace)                     router namespace (booth-r)         viewer namespace (booth-v)
 *   bth-h 10.77.1.1  the SFU (node_ip): ICE   bth-rh 10.77.1.2                    bth-v 10.77.2.2
 *                    UDP :7882, ICE/TCP :7881 bth-rv 10.77.2.1  ──────────────    Chromium (ip netns exec)
 *                    and its TURN: UDP :3478, TLS :443 (turn.booth.test, a test certificate)
 *         10.77.1.3  LiveKit's signaling (WebSocket) :443
 *         10.77.1.4  the app (next start) :443
 *   route 10.77.2.0/24 via 10.77.1.2          ip_forward=1 (this namespace only)  default via 10.77.2.1
 *
 * Everything the viewer sends or receives crosses the router namespace, where each row puts its rules:
 * iptables (drops, loss, NAT, NFQUEUE for delay) and tc tbf (rate). The host itself forwards nothing
 * (its ip_forward is untouched) and gets no rule: it only owns three addresses on its end of the veth.
 * The creator is a @livekit/rtc-node participant on the host. Signaling, the app and TURN/TLS all listen
 * on 443, so "only TCP 443 out" lets exactly what a corporate HTTPS-only firewall would through. TURN shares
 * the SFU's address, as on a production node: a TURN on another address makes the SFU see relayed packets
 * from an address the allocation did not announce, and Chromium then reports the path as "prflx".
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { generate } from "selfsigned";
import { type Service, startService, waitFor } from "../../scripts/services/proc";
import { root, toolsBin } from "../../scripts/services/tools";

export const NS_ROUTER = "booth-r";
export const NS_VIEWER = "booth-v";
export const HOST_IF = "bth-h";
export const ADDR = {
  /** The SFU's media address (node_ip) and its embedded TURN, as on a production node. */
  sfu: "10.77.1.1",
  router: "10.77.1.2",
  /** LiveKit's signaling (WebSocket), on 443 like TURN/TLS, so on an address of its own. */
  signal: "10.77.1.3",
  app: "10.77.1.4",
  viewer: "10.77.2.2",
} as const;
export const PORTS = { signal: 443, app: 443, turnTls: 443, turnUdp: 3478, iceTcp: 7881, iceUdp: 7882 } as const;
export const TURN_DOMAIN = "turn.booth.test";
export const NFQUEUE_NUM = 77;

/** Runs a command; throws with its stderr on failure. */
function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${(r.stderr || r.stdout || "").trim()}`);
  return r.stdout;
}
const quiet = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
const inNs = (ns: string, cmd: string, args: string[]) => run("ip", ["netns", "exec", ns, cmd, ...args]);

/** Why the matrix cannot run here, or null when it can (root with CAP_NET_ADMIN, ip/iptables/tc present). */
export function labUnavailable(): string | null {
  if (process.getuid?.() !== 0) return "not root: network namespaces need root (CAP_NET_ADMIN)";
  for (const c of ["ip", "iptables", "tc"])
    if (spawnSync("sh", ["-c", `command -v ${c}`]).status !== 0) return `${c} is not installed`;
  if (!fs.existsSync(path.join(toolsBin, "nfqdelay")) && spawnSync("sh", ["-c", "command -v go"]).status !== 0)
    return "Go is not installed: the NFQUEUE delayer (tools/nfqdelay) is built with go build";
  const probe = `booth-probe-${process.pid}`;
  const ok = quiet("ip", ["netns", "add", probe]);
  quiet("ip", ["netns", "del", probe]);
  return ok ? null : "cannot create a network namespace here (no CAP_NET_ADMIN?)";
}

/**
 * Removes whatever a previous (killed) run left: the processes it started inside the namespaces (a
 * Chromium, the delayer: a namespace lives on while a process is in it), the namespaces and the host's end
 * of the veth.
 */
export function cleanupLab() {
  stopDelayer();
  for (const ns of [NS_VIEWER, NS_ROUTER]) {
    const pids = spawnSync("ip", ["netns", "pids", ns], { encoding: "utf8" }).stdout ?? "";
    for (const pid of pids.split(/\s+/).filter((p) => /^\d+$/.test(p))) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {}
    }
    quiet("ip", ["netns", "del", ns]);
  }
  quiet("ip", ["link", "del", HOST_IF]);
}

export function buildLab() {
  cleanupLab();
  run("ip", ["netns", "add", NS_ROUTER]);
  run("ip", ["netns", "add", NS_VIEWER]);
  // host <-> router
  run("ip", ["link", "add", HOST_IF, "type", "veth", "peer", "name", "bth-rh", "netns", NS_ROUTER]);
  for (const a of [ADDR.sfu, ADDR.signal, ADDR.app]) run("ip", ["addr", "add", `${a}/24`, "dev", HOST_IF]);
  run("ip", ["link", "set", HOST_IF, "up"]);
  inNs(NS_ROUTER, "ip", ["addr", "add", `${ADDR.router}/24`, "dev", "bth-rh"]);
  inNs(NS_ROUTER, "ip", ["link", "set", "bth-rh", "up"]);
  inNs(NS_ROUTER, "ip", ["link", "set", "lo", "up"]);
  // router <-> viewer
  inNs(NS_ROUTER, "ip", ["link", "add", "bth-rv", "type", "veth", "peer", "name", "bth-v", "netns", NS_VIEWER]);
  inNs(NS_ROUTER, "ip", ["addr", "add", "10.77.2.1/24", "dev", "bth-rv"]);
  inNs(NS_ROUTER, "ip", ["link", "set", "bth-rv", "up"]);
  inNs(NS_VIEWER, "ip", ["addr", "add", `${ADDR.viewer}/24`, "dev", "bth-v"]);
  inNs(NS_VIEWER, "ip", ["link", "set", "bth-v", "up"]);
  inNs(NS_VIEWER, "ip", ["link", "set", "lo", "up"]);
  inNs(NS_VIEWER, "ip", ["route", "add", "default", "via", "10.77.2.1"]);
  inNs(NS_ROUTER, "ip", ["route", "add", "default", "via", ADDR.sfu]);
  // Forwarding in the router namespace only (a namespace's own sysctl): the host's setting is not touched.
  inNs(NS_ROUTER, "sysctl", ["-qw", "net.ipv4.ip_forward=1"]);
  run("ip", ["route", "add", "10.77.2.0/24", "via", ADDR.router, "dev", HOST_IF]);
}

// ---------------------------------------------------------------- one row's network

export type RowNetwork =
  | { kind: "clean" }
  | { kind: "udp_blocked" }
  | { kind: "tcp443_only" }
  | { kind: "symmetric_nat" }
  | { kind: "loss"; percent: number }
  | { kind: "delay"; oneWayMs: number }
  | { kind: "rate"; kbit: number }
  | { kind: "signaling_blocked" };

const ipt = (...args: string[]) => inNs(NS_ROUTER, "iptables", ["-w", ...args]);
const fromViewer = ["-i", "bth-rv"];

let delayer: ChildProcess | null = null;

function stopDelayer() {
  if (delayer && delayer.exitCode === null) delayer.kill("SIGTERM");
  delayer = null;
}

/** Puts the row's conditions on the router namespace (after clearing the previous row's). */
export async function applyNetwork(net: RowNetwork) {
  await resetNetwork();
  switch (net.kind) {
    case "clean":
      return;
    case "udp_blocked":
      // A corporate firewall: nothing over UDP leaves the viewer's network.
      ipt("-A", "FORWARD", ...fromViewer, "-p", "udp", "-j", "DROP");
      return;
    case "tcp443_only":
      // Only HTTPS's port out: TCP to 443 (the app, signaling, TURN/TLS), and the answers to it.
      ipt("-A", "FORWARD", ...fromViewer, "-p", "tcp", "--dport", "443", "-j", "ACCEPT");
      ipt("-A", "FORWARD", ...fromViewer, "-j", "DROP");
      return;
    case "symmetric_nat":
      // A symmetric NAT: every new flow gets a fresh random source port (and the router's address).
      inNs(NS_ROUTER, "iptables", [
        "-w",
        "-t",
        "nat",
        "-A",
        "POSTROUTING",
        "-o",
        "bth-rh",
        "-j",
        "MASQUERADE",
        "--random-fully",
      ]);
      return;
    case "loss": {
      const p = String(net.percent / 100);
      // Both directions: each packet crossing the router is dropped with this probability.
      ipt("-A", "FORWARD", "-m", "statistic", "--mode", "random", "--probability", p, "-j", "DROP");
      return;
    }
    case "delay": {
      await startDelayer(net.oneWayMs);
      // Both directions through the userspace delayer (each way `oneWayMs`); --queue-bypass lets packets
      // through undelayed if the delayer is not running, so a crash cannot cut the lab off.
      ipt("-A", "FORWARD", "-j", "NFQUEUE", "--queue-num", String(NFQUEUE_NUM), "--queue-bypass");
      return;
    }
    case "rate": {
      // Both directions, on each egress of the router: the viewer's downlink (bth-rv) and uplink (bth-rh).
      for (const dev of ["bth-rv", "bth-rh"])
        inNs(NS_ROUTER, "tc", [
          "qdisc",
          "add",
          "dev",
          dev,
          "root",
          "tbf",
          "rate",
          `${net.kbit}kbit`,
          "burst",
          "16kb",
          "latency",
          "200ms",
        ]);
      return;
    }
    case "signaling_blocked":
      // LiveKit's signaling (WebSocket on 443 at its address) is dropped; the app and TURN are not.
      ipt(
        "-A",
        "FORWARD",
        ...fromViewer,
        "-p",
        "tcp",
        "-d",
        ADDR.signal,
        "--dport",
        String(PORTS.signal),
        "-j",
        "DROP",
      );
      return;
  }
}

export async function resetNetwork() {
  stopDelayer();
  if (!quiet("ip", ["netns", "exec", NS_ROUTER, "true"])) return;
  quiet("ip", ["netns", "exec", NS_ROUTER, "iptables", "-w", "-F", "FORWARD"]);
  quiet("ip", ["netns", "exec", NS_ROUTER, "iptables", "-w", "-t", "nat", "-F", "POSTROUTING"]);
  for (const dev of ["bth-rv", "bth-rh"])
    quiet("ip", ["netns", "exec", NS_ROUTER, "tc", "qdisc", "del", "dev", dev, "root"]);
  // Flows NATed or dropped under the previous row must not linger in conntrack.
  quiet("ip", ["netns", "exec", NS_ROUTER, "conntrack", "-F"]);
}

/** The NFQUEUE delayer (tools/nfqdelay), built with `go build` into .tools/bin on first use. */
export function ensureDelayer(): string {
  const bin = path.join(toolsBin, "nfqdelay");
  const src = path.join(root, "tools/nfqdelay");
  const newest = Math.max(...fs.readdirSync(src).map((f) => fs.statSync(path.join(src, f)).mtimeMs));
  if (fs.existsSync(bin) && fs.statSync(bin).mtimeMs >= newest) return bin;
  fs.mkdirSync(toolsBin, { recursive: true });
  execFileSync("go", ["build", "-o", bin, "."], {
    cwd: src,
    stdio: "inherit",
    env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "" },
  });
  return bin;
}

async function startDelayer(oneWayMs: number) {
  const bin = ensureDelayer();
  const child = spawn(
    "ip",
    ["netns", "exec", NS_ROUTER, bin, "-queue", String(NFQUEUE_NUM), "-delay", `${oneWayMs}ms`],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  delayer = child;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("nfqdelay did not start within 10 s")), 10_000);
    child.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`nfqdelay exited with code ${code}`));
    });
  });
}

// ---------------------------------------------------------------- the lab's livekit-server and app

/** A throwaway certificate for turn.booth.test, written into `dir`. */
export async function turnCertificate(dir: string) {
  const pems = await generate([{ name: "commonName", value: TURN_DOMAIN }], {
    keySize: 2048,
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: TURN_DOMAIN }] }],
  });
  const cert = path.join(dir, "turn-cert.pem");
  const key = path.join(dir, "turn-key.pem");
  fs.writeFileSync(cert, pems.cert);
  fs.writeFileSync(key, pems.private);
  return { cert, key };
}

/** livekit-server v1.13.5 on the host's lab addresses (see the header), webhooks to the lab's app. */
export async function startLabLivekit(dir: string, env: NodeJS.ProcessEnv): Promise<Service> {
  const { cert, key } = await turnCertificate(dir);
  const yaml = `# The network matrix's livekit-server (tests/helpers/network-lab.ts).
port: ${PORTS.signal}
bind_addresses: ["${ADDR.signal}"]
log_level: warn
rtc:
  tcp_port: ${PORTS.iceTcp}
  udp_port: ${PORTS.iceUdp}
  use_external_ip: false
  node_ip: ${ADDR.sfu}
  ips:
    includes: ["${ADDR.sfu}/32"]
turn:
  enabled: true
  domain: ${TURN_DOMAIN}
  udp_port: ${PORTS.turnUdp}
  tls_port: ${PORTS.turnTls}
  cert_file: ${cert}
  key_file: ${key}
  bind_addresses: ["${ADDR.sfu}"]
  # The SFU is on a private address; TURN must be allowed to relay to it.
  allow_restricted_peer_cidrs: ["10.77.0.0/16"]
room:
  auto_create: false
webhook:
  api_key: ${env.LIVEKIT_API_KEY}
  urls: ["http://${ADDR.app}:${PORTS.app}/api/livekit/webhook"]
`;
  const file = path.join(dir, "livekit.yaml");
  fs.writeFileSync(file, yaml);
  const lk = startService("livekit-server (matrix)", path.join(toolsBin, "livekit-server"), ["--config", file], {
    env: { ...env, LIVEKIT_KEYS: `${env.LIVEKIT_API_KEY}: ${env.LIVEKIT_API_SECRET}` },
    logFile: path.join(dir, "livekit.log"),
  });
  await waitFor("the matrix's livekit-server", () => tcpOpen(ADDR.signal, PORTS.signal), 20_000, lk);
  return lk;
}

/** The suite's production build, started again on the lab's app address, talking to the lab's livekit-server. */
export async function startLabApp(dir: string, env: NodeJS.ProcessEnv): Promise<Service> {
  const app = startService(
    "next (matrix)",
    path.join(root, "node_modules/.bin/next"),
    ["start", "--port", String(PORTS.app), "--hostname", ADDR.app],
    {
      env: {
        ...env,
        NODE_ENV: "production",
        APP_URL: appUrl(),
        LIVEKIT_URL: livekitLabUrl(),
        LOG_LEVEL: "warn",
      },
      logFile: path.join(dir, "next.log"),
    },
  );
  await waitFor(
    "the matrix's next start",
    async () => (await fetch(`${appUrl()}/api/health`, { signal: AbortSignal.timeout(2000) })).status < 500,
    60_000,
    app,
  );
  return app;
}

export const appUrl = () => `http://${ADDR.app}:${PORTS.app}`;
export const livekitLabUrl = () => `ws://${ADDR.signal}:${PORTS.signal}`;

async function tcpOpen(host: string, port: number) {
  const net = await import("node:net");
  return new Promise<boolean>((resolve) => {
    const s = net.connect({ host, port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** A script that starts Chromium inside the viewer's namespace (Playwright talks to it over a pipe). */
export function chromiumInViewerNs(dir: string) {
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  const script = path.join(dir, "chromium-in-viewer-ns.sh");
  fs.writeFileSync(script, `#!/bin/sh\nexec ip netns exec ${NS_VIEWER} ${chromium} "$@"\n`, { mode: 0o755 });
  return script;
}
