"use client";
import "@livekit/components-styles";
import { type LocalUserChoices, PreJoin, RoomContext, VideoConference } from "@livekit/components-react";
import { Room, VideoPresets } from "livekit-client";
import { useEffect, useMemo, useState } from "react";

/**
 * The reference for npm run bench:join, written the way LiveKit Meet's room page is: the stock PreJoin;
 * on submit a token request (here the bare signing route, /api/dev/token-baseline, which costs less than
 * any real product's), room.connect, camera and microphone on, and the stock VideoConference.
 */
export function ReferenceRoom({ room: roomName, serverUrl }: { room: string; serverUrl: string }) {
  const [choices, setChoices] = useState<LocalUserChoices | null>(null);
  const room = useMemo(
    () =>
      new Room({
        adaptiveStream: true,
        dynacast: true,
        videoCaptureDefaults: { resolution: VideoPresets.h720.resolution },
      }),
    [],
  );

  useEffect(() => {
    if (!choices) return;
    let cancelled = false;
    void (async () => {
      const res = await fetch(`/api/dev/token-baseline?room=${encodeURIComponent(roomName)}`, { method: "POST" });
      const { token } = (await res.json()) as { token: string };
      if (cancelled) return;
      await room.connect(serverUrl, token);
      await Promise.all([
        room.localParticipant.setCameraEnabled(choices.videoEnabled),
        room.localParticipant.setMicrophoneEnabled(choices.audioEnabled),
      ]);
    })();
    return () => {
      cancelled = true;
      void room.disconnect();
    };
  }, [choices, room, roomName, serverUrl]);

  return (
    <div data-lk-theme="default" className="h-[80vh]">
      {choices ? (
        <RoomContext.Provider value={room}>
          <VideoConference />
        </RoomContext.Provider>
      ) : (
        <PreJoin
          defaults={{ username: "Reference viewer", videoEnabled: true, audioEnabled: true }}
          persistUserChoices={false}
          onSubmit={setChoices}
        />
      )}
    </div>
  );
}
