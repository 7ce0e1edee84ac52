/**
 * One call between two real WebRTC participants (@livekit/rtc-node), run as its own process:
 *   node --import tsx tests/helpers/media-probe.ts <direct|relay> <room>
 * A creator publishes a synthetic camera; a viewer waits for the first decoded frame. Prints one JSON
 * line: the frame size, the viewer's selected ICE path, and the time from the viewer's join to the
 * first frame. Each call is a process of its own, as real participants are.
 * PROBE_URL, PROBE_CREATOR_TOKEN and PROBE_VIEWER_TOKEN, when set, are used instead of tokens signed
 * here: the tokens Booth's own endpoint issued for a paid session (its room and identities).
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
  const url = process.env.PROBE_URL ?? livekitUrl();
  await publisher.connect(
    url,
    process.env.PROBE_CREATOR_TOKEN ?? (await joinToken(room, "creator")),
    roomOptions(relay),
  );
  const camera = await publishSyntheticCamera(publisher);
  const joinedAt = performance.now();
  await viewer.connect(url, process.env.PROBE_VIEWER_TOKEN ?? (await joinToken(room, "viewer")), roomOptions(relay));
  const frame = await first.frame;
  const joinToFirstFrameMs = Math.round(performance.now() - joinedAt);
  result = {
    ok: true,
    frame,
    path: await selectedPath(viewer),
    creatorPath: await selectedPath(publisher),
    joinToFirstFrameMs,
  };
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
