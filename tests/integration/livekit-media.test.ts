import { Room, dispose } from "@livekit/rtc-node";
import { afterAll, describe, expect, it } from "vitest";
import { firstRemoteFrame, joinToken, livekitUrl, publishSyntheticCamera, roomOptions, selectedPath } from "../helpers/livekit";

// Two real WebRTC participants (@livekit/rtc-node) on the suite's livekit-server, configured from
// scripts/services/livekit.yaml: media flows through the SFU, directly or through its embedded TURN.

afterAll(async () => {
  await dispose();
});

async function call(relay: boolean) {
  const room = `media-${relay ? "relay" : "direct"}-${Date.now()}`;
  const publisher = new Room();
  const viewer = new Room();
  const first = firstRemoteFrame(viewer);
  try {
    await publisher.connect(livekitUrl(), await joinToken(room, "creator"), roomOptions(relay));
    const camera = await publishSyntheticCamera(publisher);
    await viewer.connect(livekitUrl(), await joinToken(room, "viewer"), roomOptions(relay));
    const got = await first.frame;
    const path = await selectedPath(viewer);
    await camera.stop();
    return { got, path };
  } finally {
    first.cancel();
    first.frame.catch(() => {});
    await viewer.disconnect();
    await publisher.disconnect();
  }
}

describe("media through livekit-server", () => {
  it("a viewer receives the creator's video on the direct path", async () => {
    const { got, path } = await call(false);
    expect(got).toEqual({ width: 320, height: 240 });
    expect(path).not.toBeNull();
    expect(path!.localType).toMatch(/^(HOST|SRFLX|PRFLX)$/);
  });

  it("with only relay allowed, the embedded TURN carries it over UDP (TURN listens on loopback, so its replies come from the address clients sent to)", async () => {
    const { got, path } = await call(true);
    expect(got).toEqual({ width: 320, height: 240 });
    expect(path).toMatchObject({ localType: "RELAY", protocol: "udp", relayProtocol: "TRANSPORT_UDP", url: expect.stringMatching(/^turn:127\.0\.0\.1:\d+\?transport=udp$/) });
  });
});
