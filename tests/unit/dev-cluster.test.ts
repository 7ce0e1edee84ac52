import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { devNodePorts, livekitNodeCount, writeLivekitConfig } from "../../scripts/services/livekit";

// `npm run dev -- --nodes 2` (scripts/dev.ts): how many livekit-server nodes, and on which ports.
// tests/e2e/dev-command.test.ts runs the real cluster.

describe("livekitNodeCount", () => {
  it("reads --nodes N, --nodes=N or LIVEKIT_NODES; the command line wins; one node by default", () => {
    expect(livekitNodeCount([], {})).toBe(1);
    expect(livekitNodeCount(["--nodes", "2"], {})).toBe(2);
    expect(livekitNodeCount(["--nodes=3"], {})).toBe(3);
    expect(livekitNodeCount([], { LIVEKIT_NODES: "2" })).toBe(2);
    expect(livekitNodeCount(["--nodes", "1"], { LIVEKIT_NODES: "2" })).toBe(1);
    // An empty variable (a copied .env.example) counts as unset.
    expect(livekitNodeCount([], { LIVEKIT_NODES: "" })).toBe(1);
  });

  it("says what is wrong with a count or an argument it does not take", () => {
    expect(() => livekitNodeCount(["--nodes"], {})).toThrow(/--nodes must be a whole number from 1 to 9, not ""/);
    expect(() => livekitNodeCount(["--nodes", "two"], {})).toThrow(/not "two"/);
    expect(() => livekitNodeCount(["--nodes", "0"], {})).toThrow(/from 1 to 9/);
    expect(() => livekitNodeCount([], { LIVEKIT_NODES: "1.5" })).toThrow(/^LIVEKIT_NODES must be/);
    expect(() => livekitNodeCount(["--node", "2"], {})).toThrow(
      /Unknown argument "--node": npm run dev takes --nodes N/,
    );
  });
});

describe("devNodePorts", () => {
  it("gives the first node the usual ports and each further node its own", () => {
    expect(devNodePorts(0, {})).toEqual({ http: 7880, tcp: 7881, udp: 7882, turn: 3478, prometheus: 6789 });
    expect(devNodePorts(1, {})).toEqual({ http: 7890, tcp: 7891, udp: 7892, turn: 3479, prometheus: 6790 });
    const moved = { LIVEKIT_PORT: "20000", LIVEKIT_TURN_PORT: "21000", LIVEKIT_PROMETHEUS_PORT: "0" };
    expect(devNodePorts(1, moved)).toEqual({ http: 20010, tcp: 20011, udp: 20012, turn: 21001, prometheus: 0 });
    expect(() => devNodePorts(0, { LIVEKIT_PORT: "70000" })).toThrow(/LIVEKIT_PORT must be a port number/);
  });

  it("writes each node a config on its own ports with the shared Redis", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "booth-dev-cluster-"));
    try {
      const yamls = [0, 1].map((k) =>
        fs.readFileSync(
          writeLivekitConfig(
            path.join(dir, `n${k}`),
            { ...devNodePorts(k, {}), app: 3000 },
            null,
            "devkey",
            "127.0.0.1:6390",
          ),
          "utf8",
        ),
      );
      const portsIn = (yaml: string) =>
        [
          /^port: (\d+)/m,
          /tcp_port: (\d+)/,
          /^ {2}udp_port: (\d+)/m,
          /^turn:[\s\S]*?udp_port: (\d+)/m,
          /^ {2}port: (\d+)/m,
        ].map((re) => Number(re.exec(yaml)?.[1]));
      expect(portsIn(yamls[0]!)).toEqual([7880, 7881, 7882, 3478, 6789]);
      expect(portsIn(yamls[1]!)).toEqual([7890, 7891, 7892, 3479, 6790]);
      for (const yaml of yamls) {
        expect(yaml).toMatch(/^redis:\n {2}address: 127\.0\.0\.1:6390$/m);
        expect(yaml).toContain('urls: ["http://127.0.0.1:3000/api/livekit/webhook"]');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
