import fs from "node:fs";
import path from "node:path";
import { root } from "./tools";

export const livekitConfigPath = path.join(root, "scripts/services/livekit.yaml");

export type LivekitPorts = { http: number; tcp: number; udp: number; turn: number; app: number };

/**
 * scripts/services/livekit.yaml with other ports, written to `dir`: the tests run their own livekit-server
 * beside a developer's `npm run dev` without colliding.
 */
export function writeLivekitConfig(dir: string, ports: LivekitPorts) {
  const yaml = fs
    .readFileSync(livekitConfigPath, "utf8")
    .replace(/^port: \d+/m, `port: ${ports.http}`)
    .replace(/tcp_port: \d+/, `tcp_port: ${ports.tcp}`)
    .replace(/  udp_port: 7882/, `  udp_port: ${ports.udp}`)
    .replace(/udp_port: 3478/, `udp_port: ${ports.turn}`)
    .replace(/127\.0\.0\.1:3000/, `127.0.0.1:${ports.app}`);
  const file = path.join(dir, "livekit.yaml");
  fs.writeFileSync(file, yaml);
  return file;
}
