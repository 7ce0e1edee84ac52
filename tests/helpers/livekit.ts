/**
 * Real WebRTC participants in Node (@livekit/rtc-node) against the suite's livekit-server: a publisher
 * of synthetic camera frames, a subscriber that waits for the first decoded frame, and the ICE path
 * each one selected, read from WebRTC's own stats.
 */
import { IceCandidateType, IceServerTransportProtocol } from "@livekit/rtc-ffi-bindings";
import {
  ContinualGatheringPolicy,
  IceTransportType,
  LocalVideoTrack,
  type Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoFrame,
  VideoSource,
  VideoStream,
  type RoomOptions,
} from "@livekit/rtc-node";
import { AccessToken, RoomServiceClient } from "livekit-server-sdk";

export const livekitUrl = () => process.env.LIVEKIT_URL!;

/** A token for `room`, which is created first: the repository's livekit-server never creates rooms on join. */
export async function joinToken(room: string, identity: string) {
  await new RoomServiceClient(
    livekitUrl().replace(/^ws/, "http"),
    process.env.LIVEKIT_API_KEY!,
    process.env.LIVEKIT_API_SECRET!,
  ).createRoom({ name: room, emptyTimeout: 120 });
  const at = new AccessToken(process.env.LIVEKIT_API_KEY!, process.env.LIVEKIT_API_SECRET!, { identity, ttl: "10m" });
  at.addGrant({ room, roomJoin: true, canPublish: true, canSubscribe: true });
  return at.toJwt();
}

/** Room options; `relay` allows only TURN candidates (the server's own TURN servers are used). */
export function roomOptions(relay: boolean): RoomOptions {
  if (!relay) return { autoSubscribe: true, dynacast: false };
  return {
    autoSubscribe: true,
    dynacast: false,
    rtcConfig: {
      iceTransportType: IceTransportType.TRANSPORT_RELAY,
      continualGatheringPolicy: ContinualGatheringPolicy.GATHER_CONTINUALLY,
      iceServers: [],
    },
  };
}

/** Publishes a synthetic camera (320×240 at 15 fps unless told otherwise) until stop() is called. */
export async function publishSyntheticCamera(room: Room, size = { width: 320, height: 240, fps: 15 }) {
  const { width, height, fps } = size;
  const source = new VideoSource(width, height);
  const track = LocalVideoTrack.createVideoTrack("synthetic-camera", source);
  const rgba = new Uint8Array(width * height * 4);
  let n = 0;
  const timer = setInterval(() => {
    rgba.fill((n++ * 8) & 255);
    source.captureFrame(new VideoFrame(rgba, width, height, VideoBufferType.RGBA));
  }, 1000 / fps);
  await room.localParticipant!.publishTrack(track, new TrackPublishOptions({ source: TrackSource.SOURCE_CAMERA }));
  return {
    stop: async () => {
      clearInterval(timer);
      await source.close();
    },
  };
}

/** Resolves with the first decoded remote video frame's size; cancel() stops waiting (no stray timer). */
export function firstRemoteFrame(room: Room, timeoutMs = 20_000) {
  let timer: NodeJS.Timeout | undefined;
  const frame = new Promise<{ width: number; height: number }>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no remote video frame within ${timeoutMs} ms`)), timeoutMs);
    room.on(RoomEvent.TrackSubscribed, async (track) => {
      if (track.kind !== TrackKind.KIND_VIDEO) return;
      const reader = new VideoStream(track).getReader();
      const { value } = await reader.read();
      await reader.cancel();
      if (!value) return;
      clearTimeout(timer);
      resolve({ width: value.frame.width, height: value.frame.height });
    });
  });
  return { frame, cancel: () => clearTimeout(timer) };
}

export type IcePath = {
  localType: string;
  protocol: string;
  relayProtocol: string | null;
  url: string | null;
  remoteType: string;
};

/** The selected candidate pair of the participant's connection (livekit 1.13 uses one per participant). */
/** rtc-node stats as loosely typed records: only the fields read below are relied on. */
// biome-ignore lint/suspicious/noExplicitAny: the stats union is read field by field and checked at run time
type Stat = Record<string, any>;

export async function selectedPath(room: Room): Promise<IcePath | null> {
  const { publisherStats, subscriberStats } = await room.getRtcStats();
  const list = [...publisherStats, ...subscriberStats];
  const of = <C extends string>(c: C) =>
    list.filter((s) => s.stats.case === c).map((s) => s.stats.value as never as Stat);
  const candidates = [...of("localCandidate"), ...of("remoteCandidate")];
  for (const t of of("transport")) {
    const pairId = t.transport?.selectedCandidatePairId;
    if (!pairId) continue;
    const pair = of("candidatePair").find((p) => p.rtc?.id === pairId)?.candidatePair;
    const local = candidates.find((c) => c.rtc?.id === pair?.localCandidateId)?.candidate;
    const remote = candidates.find((c) => c.rtc?.id === pair?.remoteCandidateId)?.candidate;
    if (!local || !remote) continue;
    return {
      localType: IceCandidateType[local.candidateType] ?? String(local.candidateType),
      protocol: String(local.protocol).toLowerCase(),
      relayProtocol:
        local.relayProtocol === undefined
          ? null
          : (IceServerTransportProtocol[local.relayProtocol] ?? String(local.relayProtocol)),
      url: local.url ?? null,
      remoteType: IceCandidateType[remote.candidateType] ?? String(remote.candidateType),
    };
  }
  return null;
}
