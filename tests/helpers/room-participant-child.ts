/**
 * One real WebRTC participant (@livekit/rtc-node) in a process of its own, driven by
 * tests/helpers/room-participant.ts:
 *   PARTICIPANT_URL=ws://… PARTICIPANT_TOKEN=<jwt> node --import tsx tests/helpers/room-participant-child.ts
 * Prints one JSON line per event: connected, frame (the first decoded frame of each remote video track, with
 * the publisher's identity), published (a publish attempt's outcome), local_unpublished (the server took a
 * local track away), disconnected (with livekit's reason). Reads one JSON command per line on stdin:
 * {"cmd":"publish"} tries to publish a synthetic camera; {"cmd":"participants"} prints the identities this
 * participant is shown (event participants); {"cmd":"leave"} disconnects and exits.
 */
import readline from "node:readline";
import { dispose, Room, RoomEvent, TrackKind, VideoStream } from "@livekit/rtc-node";
import { publishSyntheticCamera, roomOptions } from "./livekit";

/** A publish the server neither confirms nor refuses within this long counts as not allowed. */
const PUBLISH_WAIT_MS = 15_000;

const say = (e: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(e)}\n`);
const room = new Room();
room.on(RoomEvent.Disconnected, (reason) => say({ event: "disconnected", reason: String(reason) }));
room.on(RoomEvent.LocalTrackUnpublished, (pub) => say({ event: "local_unpublished", sid: pub.sid }));
room.on(RoomEvent.TrackSubscribed, async (track, _pub, participant) => {
  if (track.kind !== TrackKind.KIND_VIDEO) return;
  const reader = new VideoStream(track).getReader();
  const { value } = await reader.read();
  await reader.cancel().catch(() => {});
  if (value) say({ event: "frame", from: participant.identity, width: value.frame.width, height: value.frame.height });
});

let camera: { stop: () => Promise<void> } | undefined;
try {
  await room.connect(process.env.PARTICIPANT_URL!, process.env.PARTICIPANT_TOKEN!, roomOptions(false));
  say({ event: "connected", identity: room.localParticipant!.identity });
} catch (err) {
  say({ event: "connect_failed", error: err instanceof Error ? err.message : String(err) });
}

for await (const line of readline.createInterface({ input: process.stdin })) {
  const { cmd } = JSON.parse(line) as { cmd: string };
  if (cmd === "leave") break;
  if (cmd === "participants")
    say({ event: "participants", identities: [...room.remoteParticipants.values()].map((p) => p.identity).sort() });
  if (cmd === "publish") {
    let timer: NodeJS.Timeout | undefined;
    try {
      camera = await Promise.race([
        publishSyntheticCamera(room),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`not published within ${PUBLISH_WAIT_MS} ms`)), PUBLISH_WAIT_MS);
        }),
      ]);
      say({ event: "published", ok: true });
    } catch (err) {
      say({ event: "published", ok: false, error: err instanceof Error ? err.message : String(err) });
    } finally {
      clearTimeout(timer);
    }
  }
}
await camera?.stop().catch(() => {});
await room.disconnect().catch(() => {});
await dispose();
process.exit(0);
