import fs from "node:fs";
import path from "node:path";
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
  const file = path.join(dir, "livekit.yaml");
  fs.writeFileSync(file, yaml);
  return file;
}
