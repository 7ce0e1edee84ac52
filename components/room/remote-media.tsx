"use client";
import { useRoomContext } from "@livekit/components-react";
import { type RemoteParticipant, RoomEvent, Track } from "livekit-client";
import { useEffect, useState } from "react";

/** A remote device: publishing and unmuted, published but muted (turned off), or never published. */
export type RemoteDevice = "on" | "off" | "none";

export type RemoteMedia = {
  present: boolean;
  camera: RemoteDevice;
  mic: RemoteDevice;
  /** The camera was on earlier in this participant's visit and is not now: "camera off", not "joined without". */
  cameraTurnedOff: boolean;
};

const NOBODY: RemoteMedia = { present: false, camera: "none", mic: "none", cameraTurnedOff: false };

function deviceOf(p: RemoteParticipant, source: Track.Source): RemoteDevice {
  const pub = p.getTrackPublication(source);
  return !pub ? "none" : pub.isMuted ? "off" : "on";
}

/** Events after which the other side's camera or microphone may have changed. */
const EVENTS = [
  RoomEvent.ParticipantConnected,
  RoomEvent.ParticipantDisconnected,
  RoomEvent.TrackPublished,
  RoomEvent.TrackUnpublished,
  RoomEvent.TrackMuted,
  RoomEvent.TrackUnmuted,
  RoomEvent.TrackSubscribed,
  RoomEvent.TrackUnsubscribed,
] as const;

/**
 * The other side's camera and microphone as LiveKit reports them (TrackMuted/TrackUnmuted on the remote
 * participant, publications coming and going), for the call's icons and words. A private session has one
 * other participant; a camera seen on during their visit and then off reads as turned off.
 */
export function useRemoteMedia(): RemoteMedia {
  const room = useRoomContext();
  const [media, setMedia] = useState<RemoteMedia>(NOBODY);
  useEffect(() => {
    let visit: string | null = null;
    let cameraWasOn = false;
    const update = () => {
      const p = [...room.remoteParticipants.values()][0];
      if (!p) {
        visit = null;
        cameraWasOn = false;
        setMedia(NOBODY);
        return;
      }
      if (p.sid !== visit) {
        visit = p.sid;
        cameraWasOn = false;
      }
      const camera = deviceOf(p, Track.Source.Camera);
      const mic = deviceOf(p, Track.Source.Microphone);
      cameraWasOn ||= camera === "on";
      const next = { present: true, camera, mic, cameraTurnedOff: cameraWasOn && camera !== "on" };
      setMedia((m) =>
        m.present === next.present &&
        m.camera === next.camera &&
        m.mic === next.mic &&
        m.cameraTurnedOff === next.cameraTurnedOff
          ? m
          : next,
      );
    };
    for (const e of EVENTS) room.on(e, update);
    update();
    return () => {
      for (const e of EVENTS) room.off(e, update);
    };
  }, [room]);
  return media;
}

/** The other side's microphone is off (muted, or they joined without one): a crossed-out microphone. */
export function RemoteMicOff({ name }: { name: string }) {
  return (
    <span
      role="img"
      aria-label={`${name}'s microphone is off`}
      title={`${name}'s microphone is off`}
      data-testid="remote-mic-off"
      className="absolute left-2 top-2 inline-flex h-8 w-8 items-center justify-center rounded-full bg-black/70 text-white"
    >
      <svg viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden>
        <path d="M9 9v3a3 3 0 0 0 5.12 2.12M15 9.34V5a3 3 0 0 0-5.94-.6" />
        <path d="M17 16.95A7 7 0 0 1 5 12v-2m14 0v2a7 7 0 0 1-.11 1.23" />
        <path d="M12 19v3M8 22h8M2 2l20 20" />
      </svg>
    </span>
  );
}
