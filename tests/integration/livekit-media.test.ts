import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { IcePath } from "../helpers/livekit";

// Two real WebRTC participants (@livekit/rtc-node) on the suite's livekit-server, configured from
// scripts/services/livekit.yaml: media flows through the SFU, directly or through its embedded TURN.
// Each call runs in its own Node process, as real participants do.

type Probe = {
  ok: boolean;
  error?: string;
  frame?: { width: number; height: number };
  path?: IcePath | null;
  joinToFirstFrameMs?: number;
};

async function call(mode: "direct" | "relay"): Promise<Probe> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "tests/helpers/media-probe.ts", mode, `media-${mode}-${Date.now()}`],
    { env: process.env, timeout: 60_000 },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Probe;
}

describe("media through livekit-server", () => {
  it("a viewer receives the creator's video on the direct path", async () => {
    const probe = await call("direct");
    expect(probe).toMatchObject({ ok: true, frame: { width: 320, height: 240 } });
    expect(probe.path?.localType).toMatch(/^(HOST|SRFLX|PRFLX)$/);
  }, 70_000);

  it("with only relay allowed, the embedded TURN carries it over UDP", async () => {
    const probe = await call("relay");
    expect(probe).toMatchObject({ ok: true, frame: { width: 320, height: 240 } });
    expect(probe.path).toMatchObject({
      localType: "RELAY",
      protocol: "udp",
      relayProtocol: "TRANSPORT_UDP",
      url: expect.stringMatching(/^turn:127\.0\.0\.1:\d+\?transport=udp$/),
    });
  }, 70_000);
});
