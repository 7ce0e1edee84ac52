/**
 * One call between two real WebRTC participants (@livekit/rtc-node), run as its own process:
 *   node --import tsx tests/helpers/media-probe.ts <direct|relay> <room>
 * A creator publishes a synthetic camera; a viewer waits for the first decoded frame. Prints one JSON
 * line: the frame size, the viewer's selected ICE path, and the time from the viewer's join to the
 * first frame. Each call is a process of its own, as real participants are.
 */
import { Room, dispose } from "@livekit/rtc-node";
import { firstRemoteFrame, joinToken, livekitUrl, publishSyntheticCamera, roomOptions, selectedPath } from "./livekit";

const relay = process.argv[2] === "relay";
const room = process.argv[3] ?? `probe-${Date.now()}`;
const publisher = new Room();
const viewer = new Room();
const first = firstRemoteFrame(viewer);
first.frame.catch(() => {});
let result: Record<string, unknown>;
try {
  await publisher.connect(livekitUrl(), await joinToken(room, "creator"), roomOptions(relay));
  const camera = await publishSyntheticCamera(publisher);
  const joinedAt = performance.now();
  await viewer.connect(livekitUrl(), await joinToken(room, "viewer"), roomOptions(relay));
  const frame = await first.frame;
  const joinToFirstFrameMs = Math.round(performance.now() - joinedAt);
  result = { ok: true, frame, path: await selectedPath(viewer), joinToFirstFrameMs };
  await camera.stop();
} catch (err) {
  result = { ok: false, error: err instanceof Error ? err.message : String(err) };
} finally {
  first.cancel();
  await viewer.disconnect();
  await publisher.disconnect();
}
console.log(JSON.stringify(result!));
await dispose();
process.exit(0);
