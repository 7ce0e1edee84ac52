import { DisconnectReason, LocalAudioTrack, LocalVideoTrack, Track } from "livekit-client";
import { AUDIO_CONSTRAINTS, VIDEO_CONSTRAINTS } from "./pre-join";

/**
 * What a call needs from the SFU client (livekit-client, the largest part of a room page's JavaScript),
 * in one module that the room loads when the person presses Join (use-room-join.ts), not with the page:
 * the device check before it needs only getUserMedia.
 */
export { ConnectionState, DisconnectReason, Room, RoomEvent } from "livekit-client";
/** Reading the server's data messages (zod) waits for the call too. */
export { readServerMessage } from "./server-message";

export type Ended = { reason: string; text: string; canRejoin: boolean };

/** What the room is called in the words on screen: "the session", "the show". */
export type RoomNoun = "session" | "show";

/**
 * A device-check track (getUserMedia) as the call's camera or microphone, the way livekit-client's
 * createLocalTracks makes them: its source set (the token allows camera and microphone only) and not
 * "user provided", so turning the camera off releases it and turning it on opens the same device again.
 */
export function toLocalTrack(track: MediaStreamTrack) {
  const deviceId = track.getSettings().deviceId;
  if (track.kind === "video") {
    const local = new LocalVideoTrack(track, { ...VIDEO_CONSTRAINTS, deviceId }, false);
    local.source = Track.Source.Camera;
    return local;
  }
  const local = new LocalAudioTrack(track, { ...AUDIO_CONSTRAINTS, deviceId }, false);
  local.source = Track.Source.Microphone;
  return local;
}

/** Why the call ended, in words, and whether joining again can help. `removedFor`: the server's reason, if it sent one. */
export function endedFor(
  reason: DisconnectReason | undefined,
  o: { closed: boolean; closesAt: string; now: number; noun: RoomNoun; removedFor?: string | null },
): Ended {
  const name = reason === undefined ? "UNKNOWN_REASON" : (DisconnectReason[reason] ?? String(reason));
  const open = o.now < new Date(o.closesAt).getTime();
  if (o.removedFor || reason === DisconnectReason.PARTICIPANT_REMOVED)
    return { reason: name, text: o.removedFor || `You were removed from the ${o.noun}.`, canRejoin: false };
  if (o.closed || reason === DisconnectReason.ROOM_DELETED || reason === DisconnectReason.ROOM_CLOSED)
    return { reason: name, text: `The ${o.noun} has ended. Thank you!`, canRejoin: false };
  if (reason === DisconnectReason.CLIENT_INITIATED)
    return { reason: name, text: `You left the ${o.noun}.`, canRejoin: open };
  if (reason === DisconnectReason.DUPLICATE_IDENTITY)
    return {
      reason: name,
      text: `You joined this ${o.noun} from another tab or device, so this one was disconnected.`,
      canRejoin: open,
    };
  return {
    reason: name,
    text: "The call was disconnected and could not reconnect. Check your connection, then join again.",
    canRejoin: open,
  };
}
