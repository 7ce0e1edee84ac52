import "server-only";
import { DirectFileOutput, EgressClient } from "livekit-server-sdk";
import { env } from "@/lib/env";

/** Booth's side of LiveKit Egress (the recorder): start and stop Track egress through livekit-server's API. */

const g = globalThis as unknown as { boothEgressClient?: EgressClient };

export function egressClient() {
  return (g.boothEgressClient ??= new EgressClient(
    env.LIVEKIT_URL.replace(/^ws/, "http"),
    env.LIVEKIT_API_KEY,
    env.LIVEKIT_API_SECRET,
    { requestTimeout: 20 },
  ));
}

/**
 * Records one published track as it is (no transcoding: VP8 video into WebM, Opus audio into OGG, H.264 into
 * MP4) into `filepath` (absolute, inside RECORDING_SPOOL_DIR; Egress adds the extension).
 */
export async function startTrackRecording(roomName: string, trackSid: string, filepath: string) {
  const info = await egressClient().startTrackEgress(
    roomName,
    new DirectFileOutput({ filepath, disableManifest: true }),
    trackSid,
  );
  return { egressId: info.egressId };
}

/** Stops an egress; one that already ended counts as stopped. */
export async function stopRecording(egressId: string) {
  try {
    await egressClient().stopEgress(egressId);
  } catch (err) {
    if (/not.?found|cannot be stopped|EGRESS_(COMPLETE|FAILED|ABORTED)|failed_precondition/i.test(String(err))) return;
    throw err;
  }
}
