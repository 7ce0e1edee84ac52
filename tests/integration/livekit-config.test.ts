import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { generate } from "selfsigned";
import { afterAll, describe, expect, it } from "vitest";
import { turnTlsFromEnv, writeLivekitConfig } from "../../scripts/services/livekit";
import { freePort, portOpen, startService, waitFor, type Service } from "../../scripts/services/proc";
import { ensureGoTool } from "../../scripts/services/tools";

// The repository's livekit-server config: TURN over UDP always; TURN over TLS when a certificate is
// configured. A real livekit-server v1.13.5 is started with a throwaway certificate and its TURN/TLS
// port must complete a TLS handshake for the configured domain.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "booth-lk-tls-"));
const started: Service[] = [];
afterAll(async () => {
  for (const s of started) await s.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("livekit-server config", () => {
  it("has TURN/UDP and no TURN/TLS when no certificate is configured", () => {
    const yaml = fs.readFileSync(writeLivekitConfig(dir, { app: 4321 }, null), "utf8");
    expect(yaml).toMatch(/turn:\n\s+# Embedded TURN[\s\S]*enabled: true[\s\S]*udp_port: 3478/);
    expect(yaml).not.toMatch(/tls_port/);
    expect(yaml).toContain("http://127.0.0.1:4321/api/livekit/webhook");
    // Rooms are opened by Booth only; webhooks are signed with the configured key.
    expect(yaml).toMatch(/room:\n(\s+#.*\n)*\s+auto_create: false/);
    expect(fs.readFileSync(writeLivekitConfig(dir, {}, null, "prodkey"), "utf8")).toMatch(/^ {2}api_key: prodkey$/m);
    expect(turnTlsFromEnv({})).toBeNull();
    expect(() => turnTlsFromEnv({ LIVEKIT_TURN_TLS_CERT: "/x.pem" })).toThrow(/together/);
  });

  it("serves TURN over TLS with the configured certificate", async () => {
    const domain = "turn.booth.test";
    const pems = await generate([{ name: "commonName", value: domain }], {
      keySize: 2048,
      algorithm: "sha256",
      extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: domain }] }],
    });
    fs.writeFileSync(path.join(dir, "cert.pem"), pems.cert);
    fs.writeFileSync(path.join(dir, "key.pem"), pems.private);
    const ports = {
      http: await freePort(),
      tcp: await freePort(),
      udp: await freePort(),
      turn: await freePort(),
      app: await freePort(),
    };
    const tlsPort = await freePort();
    const turnTls = turnTlsFromEnv({
      LIVEKIT_TURN_TLS_CERT: path.join(dir, "cert.pem"),
      LIVEKIT_TURN_TLS_KEY: path.join(dir, "key.pem"),
      LIVEKIT_TURN_DOMAIN: domain,
      LIVEKIT_TURN_TLS_PORT: String(tlsPort),
    });
    const config = writeLivekitConfig(dir, ports, turnTls);
    expect(fs.readFileSync(config, "utf8")).toMatch(new RegExp(`tls_port: ${tlsPort}`));

    const bin = ensureGoTool("livekit-server")!;
    const lk = startService("livekit-server-tls", bin, ["--config", config], {
      env: { ...process.env, LIVEKIT_KEYS: `devkey: ${"s".repeat(40)}` },
      logFile: path.join(dir, "livekit.log"),
    });
    started.push(lk);
    await waitFor("TURN/TLS port", () => portOpen(tlsPort), 20_000, lk);
    const peer = await new Promise<tls.PeerCertificate>((resolve, reject) => {
      const socket = tls.connect({ host: "127.0.0.1", port: tlsPort, servername: domain, ca: pems.cert }, () => {
        resolve(socket.getPeerCertificate());
        socket.end();
      });
      socket.on("error", reject);
    });
    expect(peer.subject.CN).toBe(domain);
  }, 40_000);
});
