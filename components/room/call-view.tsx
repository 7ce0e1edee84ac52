"use client";
import {
  RoomAudioRenderer,
  useLocalParticipant,
  useRemoteParticipants,
  useTracks,
  VideoTrack,
} from "@livekit/components-react";
import { Track } from "livekit-client";
import { useEffect, useRef, useState } from "react";
import { cn } from "@/lib/cn";
import { useFirstFrame } from "./first-frame";
import { RemoteMicOff, useRemoteMedia } from "./remote-media";
import { useServerNow } from "./server-clock";
import { clockLine as lineAt, formatLeft, timeLabel } from "./time-left";

/** The call, inside a RoomContext: the other side large, you small, controls, time left and banners. */
export function CallView({
  otherName,
  startsAt,
  endsAt,
  closesAt,
  warningAt,
  closingSoon,
  reconnecting,
  clockOffset,
  onLeave,
  onFirstRemoteFrame,
}: {
  otherName: string;
  /** The session's start: rooms open early, so a call can begin before it. */
  startsAt: string;
  endsAt: string;
  closesAt: string;
  warningAt: string;
  /** The server's closing_soon message, when it came. */
  closingSoon: { endsAt: string; closesAt: string } | null;
  reconnecting: boolean;
  /** Server clock − browser clock, in ms: the countdown runs on the server's time. */
  clockOffset: number;
  onLeave: () => void;
  onFirstRemoteFrame: () => void;
}) {
  const remotes = useRemoteParticipants();
  const cameras = useTracks([Track.Source.Camera], { onlySubscribed: true });
  const remoteCam = cameras.find((t) => !t.participant.isLocal && t.publication && !t.publication.isMuted);
  const localCam = cameras.find((t) => t.participant.isLocal);
  const { localParticipant, isMicrophoneEnabled, isCameraEnabled } = useLocalParticipant();
  const [remoteEl, setRemoteEl] = useState<HTMLVideoElement | null>(null);
  const [busy, setBusy] = useState(false);
  const [controlError, setControlError] = useState<string | null>(null);
  const now = useServerNow(clockOffset);
  const remoteMedia = useRemoteMedia();
  useFirstFrame(remoteEl, remoteCam?.publication?.trackSid, onFirstRemoteFrame);
  // Joined: focus goes into the call (not back to <body> as the device check unmounts).
  const region = useRef<HTMLElement>(null);
  useEffect(() => {
    performance.mark("call:mounted");
    region.current?.focus();
  }, []);

  const ends = new Date(closingSoon?.endsAt ?? endsAt).getTime();
  const closes = closingSoon?.closesAt ?? closesAt;
  const warn = closingSoon !== null || now >= new Date(warningAt).getTime();
  const present = remotes.length > 0;
  const status = reconnecting
    ? "Reconnecting…"
    : present
      ? `Connected with ${otherName}`
      : "Waiting for the other side…";
  const clockLine = lineAt(now, { starts: new Date(startsAt).getTime(), ends, closes: new Date(closes).getTime() });
  const inGrace = clockLine.inGrace;
  const toggle = async (what: "mic" | "camera") => {
    setBusy(true);
    setControlError(null);
    try {
      if (what === "mic") await localParticipant.setMicrophoneEnabled(!isMicrophoneEnabled);
      else await localParticipant.setCameraEnabled(!isCameraEnabled);
    } catch {
      setControlError(
        what === "mic"
          ? "Your microphone could not be switched on: check that the browser may use it."
          : "Your camera could not be switched on: check that the browser may use it and no other app holds it.",
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <section
      ref={region}
      tabIndex={-1}
      aria-label={`Call with ${otherName}`}
      className="space-y-3 outline-none"
      data-testid="call"
    >
      <div className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 text-sm">
        <p role="status" aria-live="polite" data-testid="room-status" className="min-w-0 font-medium">
          {status}
        </p>
        <p data-testid="time-left" className="whitespace-nowrap tabular-nums text-slate-300">
          {clockLine.label}
          <span className="font-semibold text-slate-100">{formatLeft(clockLine.ms)}</span>
        </p>
      </div>
      {reconnecting ? (
        <p
          role="alert"
          data-testid="reconnecting-banner"
          className="rounded-md bg-amber-500/20 px-3 py-2 text-sm text-amber-100"
        >
          Your connection dropped. Reconnecting… stay on this page.
        </p>
      ) : null}
      {warn ? (
        <p
          role="alert"
          data-testid="closing-banner"
          className="rounded-md bg-amber-500/20 px-3 py-2 text-sm text-amber-100"
        >
          {inGrace
            ? "The session's time is up"
            : `The session ends at ${timeLabel(new Date(ends).toISOString())} (in ${formatLeft(ends - now)})`}
          . The room closes at {timeLabel(closes)}, and the call ends by itself then.
        </p>
      ) : null}
      <div className="relative aspect-video overflow-hidden rounded-xl bg-black">
        {remoteCam ? (
          <VideoTrack
            trackRef={remoteCam}
            ref={setRemoteEl}
            data-testid="remote-video"
            className="h-full w-full object-contain"
            aria-label={`${otherName}'s camera`}
          />
        ) : (
          <div
            className="flex h-full flex-col items-center justify-center gap-2 p-6 text-center text-white/90"
            data-testid="remote-placeholder"
          >
            {present ? (
              <p data-camera={remoteMedia.cameraTurnedOff ? "turned-off" : "never-on"}>
                {remoteMedia.cameraTurnedOff
                  ? `${otherName} turned the camera off.`
                  : `${otherName} has joined with the camera off.`}
              </p>
            ) : (
              <>
                <p className="text-lg">Waiting for the other side…</p>
                <p className="text-sm text-white/75">
                  {otherName} is not in the room. You will see them here as soon as they join.
                </p>
              </>
            )}
          </div>
        )}
        {present && remoteMedia.mic !== "on" ? <RemoteMicOff name={otherName} /> : null}
        {/* Small on a phone (a quarter of 375 px would cover a third of the other side), a quarter from sm up. */}
        <div className="absolute bottom-2 right-2 aspect-video w-24 overflow-hidden rounded-md border border-white/20 bg-slate-900 shadow-lg sm:bottom-3 sm:right-3 sm:w-1/4 sm:min-w-28 sm:rounded-lg">
          {localCam && isCameraEnabled ? (
            <VideoTrack
              trackRef={localCam}
              data-testid="local-video"
              className="h-full w-full -scale-x-100 object-cover"
              aria-label="Your camera"
            />
          ) : (
            <div className="flex h-full items-center justify-center text-xs text-slate-400">Camera off</div>
          )}
        </div>
      </div>
      <RoomAudioRenderer />
      {controlError ? (
        <p role="alert" className="text-sm text-red-200">
          {controlError}
        </p>
      ) : null}
      <div className="flex flex-wrap justify-center gap-3" role="toolbar" aria-label="Call controls">
        <button
          type="button"
          disabled={busy}
          onClick={() => void toggle("mic")}
          aria-pressed={!isMicrophoneEnabled}
          data-testid="toggle-mic"
          className={cn(
            "rounded-full px-4 py-2 text-sm font-medium",
            isMicrophoneEnabled ? "bg-slate-700 hover:bg-slate-600" : "bg-amber-600 text-white",
          )}
        >
          {isMicrophoneEnabled ? "Mute" : "Unmute"}
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => void toggle("camera")}
          aria-pressed={!isCameraEnabled}
          data-testid="toggle-camera"
          className={cn(
            "rounded-full px-4 py-2 text-sm font-medium",
            isCameraEnabled ? "bg-slate-700 hover:bg-slate-600" : "bg-amber-600 text-white",
          )}
        >
          {isCameraEnabled ? "Stop camera" : "Start camera"}
        </button>
        <button
          type="button"
          onClick={onLeave}
          data-testid="leave"
          className="rounded-full bg-red-600 px-5 py-2 text-sm font-semibold text-white hover:bg-red-500"
        >
          Leave
        </button>
      </div>
    </section>
  );
}
