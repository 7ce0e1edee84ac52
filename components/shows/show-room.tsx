"use client";
import {
  RoomAudioRenderer,
  RoomContext,
  useLocalParticipant,
  useParticipants,
  useTracks,
  VideoTrack,
  type TrackReference,
  type TrackReferenceOrPlaceholder,
} from "@livekit/components-react";
import { type Room, RoomEvent, Track } from "livekit-client";
import { useCallback, useEffect, useState } from "react";
import type { ServerMessage } from "@/lib/sessions/schemas";
import { cn } from "@/lib/cn";
import { useFirstFrame } from "@/components/room/first-frame";
import { PreJoin } from "@/components/room/pre-join";
import { ReportInRoom } from "@/components/room/report-in-room";
import { Connecting, EndedScreen, Failed } from "@/components/room/room-states";
import { useServerNow } from "@/components/room/server-clock";
import { clockLine, formatLeft, timeLabel } from "@/components/room/time-left";
import { useRoomJoin } from "@/components/room/use-room-join";
import { type TipBounds, TipFeed, TipForm, type TipNotice } from "@/components/tips/tip-form";
import { ChatPanel, useChat } from "./chat-panel";
import { ParticipantsPanel } from "./participants-panel";
import { StageInvite, StagePanel, useStage } from "./stage-panel";

export type ShowRoomProps = {
  eventId: string;
  title: string;
  creatorName: string;
  creatorUserId: string;
  role: "creator" | "viewer";
  self: { id: string; name: string };
  startsAt: string;
  endsAt: string;
  closesAt: string;
  warningAt: string;
  serverNow: string;
  tips: TipBounds;
};

/**
 * A show's room. The creator checks their devices and goes live (camera, microphone, screen share); ticket
 * holders join as audience (their token publishes nothing) and see the creator, the viewer count and the
 * time left; the chat, the stage and tips go through the app's server and reach the room as its messages.
 */
export function ShowRoom(p: ShowRoomProps) {
  const [tips, setTips] = useState<TipNotice[]>([]);
  const chat = useChat(p.eventId, p.self.id);
  const stage = useStage(p.eventId);
  const { onMessage: chatMessage } = chat;
  const { refresh: refreshStage } = stage;
  const onServerMessage = useCallback(
    (msg: ServerMessage) => {
      if (msg.type === "tip") setTips((t) => (t.some((x) => x.tipId === msg.tipId) ? t : [msg, ...t].slice(0, 20)));
      else if (msg.type === "stage") void refreshStage();
      else chatMessage(msg);
    },
    [chatMessage, refreshStage],
  );
  const join = useRoomJoin({
    tokenUrl: `/api/shows/${p.eventId}/token`,
    diagnosticsUrl: `/api/shows/${p.eventId}/diagnostics`,
    serverNow: p.serverNow,
    closesAt: p.closesAt,
    noun: "show",
    publishOnJoin: p.role === "creator",
    onServerMessage,
    selfId: p.self.id,
  });
  const { phase, devices } = join;
  const inCall = phase.kind === "call";
  const { load: loadChat } = chat;
  useEffect(() => {
    if (!inCall) return;
    void loadChat();
    void refreshStage();
  }, [inCall, loadChat, refreshStage]);

  return (
    <section
      className="room-surface rounded-2xl bg-slate-950 p-4 text-slate-100 shadow-lg sm:p-6"
      aria-label="Show room"
    >
      {phase.kind === "prejoin" ? (
        p.role === "creator" ? (
          <>
            <p className="sr-only" role="status" data-testid="room-status">
              Ready to go live
            </p>
            <PreJoin
              preview={devices.preview}
              onRetry={() => void devices.acquire()}
              onSwitchDevice={(kind, id) => void devices.switchDevice(kind, id)}
              onJoin={join.startJoin}
              error={phase.error}
              otherName="Your audience"
            />
          </>
        ) : (
          <div className="mx-auto max-w-xl space-y-4 py-8 text-center">
            <p role="status" data-testid="room-status" className="text-lg font-semibold">
              Ready to watch {p.creatorName}
            </p>
            <p className="text-sm text-slate-300">
              You join as audience: your camera and microphone stay off. If you raise your hand and {p.creatorName}{" "}
              invites you on stage, you check them first and decide.
            </p>
            {phase.error ? (
              <p role="alert" data-testid="join-error" className="rounded-lg bg-red-950/70 p-3 text-sm text-red-100">
                {phase.error}
              </p>
            ) : null}
            <button
              type="button"
              data-testid="join"
              onClick={join.startJoin}
              className="rounded-md bg-brand px-5 py-2 font-semibold text-on-brand hover:opacity-90"
            >
              Join the show
            </button>
          </div>
        )
      ) : phase.kind === "connecting" ? (
        <Connecting text={phase.text} onCancel={join.cancelJoin} />
      ) : phase.kind === "call" ? (
        <RoomContext.Provider value={phase.room}>
          <LiveShow
            {...p}
            room={phase.room}
            clockOffset={join.clock.offset}
            reconnecting={join.reconnecting}
            closingSoon={join.closingSoon}
            onFirstRemoteFrame={join.onFirstRemoteFrame}
            tipFeed={tips}
            chat={chat}
            stage={stage}
            devices={devices}
          />
        </RoomContext.Provider>
      ) : phase.kind === "failed" ? (
        <Failed message={phase.message} onRetry={() => join.backToPreJoin(false)} />
      ) : (
        <EndedScreen
          ended={phase.ended}
          onRejoin={() => join.backToPreJoin(true)}
          back={{ href: `/shows/${p.eventId}`, label: "Back to the show" }}
        />
      )}
    </section>
  );
}

type Devices = ReturnType<typeof useRoomJoin>["devices"];

function LiveShow(
  p: ShowRoomProps & {
    room: Room;
    clockOffset: number;
    reconnecting: boolean;
    closingSoon: { endsAt: string; closesAt: string } | null;
    onFirstRemoteFrame: () => void;
    tipFeed: TipNotice[];
    chat: ReturnType<typeof useChat>;
    stage: ReturnType<typeof useStage>;
    devices: Devices;
  },
) {
  const participants = useParticipants();
  const tracks = useTracks(
    [
      { source: Track.Source.Camera, withPlaceholder: false },
      { source: Track.Source.ScreenShare, withPlaceholder: false },
    ],
    { onlySubscribed: false },
  );
  const { localParticipant, isMicrophoneEnabled, isCameraEnabled, isScreenShareEnabled } = useLocalParticipant();
  const [canPublish, setCanPublish] = useState(!!localParticipant.permissions?.canPublish);
  const [busy, setBusy] = useState(false);
  const [controlError, setControlError] = useState<string | null>(null);
  const now = useServerNow(p.clockOffset);

  // The server changes an audience member's permissions when they go on stage or are sent back.
  useEffect(() => {
    const update = () => {
      const can = !!localParticipant.permissions?.canPublish;
      setCanPublish(can);
      if (!can) {
        // Sent back: stop what we published (the server has stopped forwarding it already).
        for (const pub of localParticipant.trackPublications.values())
          if (pub.track) void localParticipant.unpublishTrack(pub.track, true);
      }
    };
    p.room.on(RoomEvent.ParticipantPermissionsChanged, update);
    return () => void p.room.off(RoomEvent.ParticipantPermissionsChanged, update);
  }, [p.room, localParticipant]);

  const isCreator = p.role === "creator";
  const creatorHere = participants.some((x) => x.identity === p.creatorUserId);
  const viewers = participants.filter((x) => x.identity !== p.creatorUserId).length;
  const visible = (t: TrackReferenceOrPlaceholder): t is TrackReference => !!t.publication && !t.publication.isMuted;
  const shown = tracks.filter(visible);
  const creatorScreen = shown.find(
    (t) => t.participant.identity === p.creatorUserId && t.source === Track.Source.ScreenShare,
  );
  const creatorCam = shown.find((t) => t.participant.identity === p.creatorUserId && t.source === Track.Source.Camera);
  const main = creatorScreen ?? creatorCam;
  const inset = creatorScreen ? creatorCam : undefined;
  const guests = shown.filter((t) => t.participant.identity !== p.creatorUserId && t.source === Track.Source.Camera);
  const [mainEl, setMainEl] = useState<HTMLVideoElement | null>(null);
  useFirstFrame(isCreator ? null : mainEl, main?.publication?.trackSid, p.onFirstRemoteFrame);

  const ends = new Date(p.closingSoon?.endsAt ?? p.endsAt).getTime();
  const closes = p.closingSoon?.closesAt ?? p.closesAt;
  const line = clockLine(now, { starts: new Date(p.startsAt).getTime(), ends, closes: new Date(closes).getTime() });
  const warn = p.closingSoon !== null || now >= new Date(p.warningAt).getTime();
  const status = p.reconnecting
    ? "Reconnecting…"
    : isCreator
      ? "You are live"
      : creatorHere
        ? `Watching ${p.creatorName}`
        : `Waiting for ${p.creatorName} to go live…`;

  const toggle = async (what: "mic" | "camera" | "screen") => {
    setBusy(true);
    setControlError(null);
    try {
      if (what === "mic") await localParticipant.setMicrophoneEnabled(!isMicrophoneEnabled);
      else if (what === "camera") await localParticipant.setCameraEnabled(!isCameraEnabled);
      else await localParticipant.setScreenShareEnabled(!isScreenShareEnabled, { audio: false });
    } catch {
      setControlError(
        what === "screen"
          ? "Screen sharing did not start: choose a screen or window, and allow the browser to share it."
          : "That device could not be switched on: check that the browser may use it and no other app holds it.",
      );
    } finally {
      setBusy(false);
    }
  };

  const mine = p.stage.requests.find((r) => r.userId === p.self.id);
  const onStage = !isCreator && mine?.status === "on_stage" && canPublish;

  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
      <div className="min-w-0 space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 text-sm">
          <p role="status" aria-live="polite" data-testid="room-status" className="min-w-0 font-medium">
            {status}
          </p>
          <p className="flex gap-4 whitespace-nowrap tabular-nums text-slate-300">
            <span data-testid="viewer-count" data-count={viewers}>
              {viewers} watching
            </span>
            <span data-testid="time-left">
              {line.label}
              <span className="font-semibold text-slate-100">{formatLeft(line.ms)}</span>
            </span>
          </p>
        </div>
        {p.reconnecting ? (
          <p role="alert" className="rounded-md bg-amber-500/20 px-3 py-2 text-sm text-amber-100">
            Your connection dropped. Reconnecting… stay on this page.
          </p>
        ) : null}
        {warn ? (
          <p role="alert" data-testid="closing-banner" className="rounded-md bg-amber-500/20 px-3 py-2 text-sm">
            {line.inGrace
              ? "The show's time is up"
              : `The show ends at ${timeLabel(new Date(ends).toISOString())} (in ${formatLeft(ends - now)})`}
            . The room closes at {timeLabel(closes)}.
          </p>
        ) : null}
        <div className="relative aspect-video overflow-hidden rounded-xl bg-black">
          {main ? (
            <VideoTrack
              trackRef={main}
              ref={setMainEl}
              data-testid={isCreator ? "own-video" : "creator-video"}
              className={cn("h-full w-full object-contain", isCreator && !creatorScreen && "-scale-x-100")}
              aria-label={creatorScreen ? `${p.creatorName}'s screen` : `${p.creatorName}'s camera`}
            />
          ) : (
            <div
              className="flex h-full items-center justify-center p-6 text-center text-slate-300"
              data-testid="creator-placeholder"
            >
              {isCreator
                ? "Your camera is off. Your audience hears you if your microphone is on."
                : creatorHere
                  ? `${p.creatorName} is here with the camera off.`
                  : `${p.creatorName} has not gone live yet. Stay here: the show starts on this screen.`}
            </div>
          )}
          {inset ? (
            <div className="absolute bottom-2 right-2 aspect-video w-1/4 min-w-24 overflow-hidden rounded-md border border-white/20">
              <VideoTrack
                trackRef={inset}
                className="h-full w-full object-cover"
                aria-label={`${p.creatorName}'s camera`}
              />
            </div>
          ) : null}
        </div>
        {guests.length ? (
          <ul className="grid grid-cols-2 gap-2 sm:grid-cols-3" aria-label="On stage">
            {guests.map((g) => (
              <li key={g.publication?.trackSid} className="relative aspect-video overflow-hidden rounded-lg bg-black">
                <VideoTrack
                  trackRef={g}
                  data-testid="stage-video"
                  data-identity={g.participant.identity}
                  className={cn("h-full w-full object-cover", g.participant.isLocal && "-scale-x-100")}
                  aria-label={`${g.participant.name || "A guest"} on stage`}
                />
                <span className="absolute bottom-1 left-1 rounded bg-black/60 px-1.5 text-xs">
                  {g.participant.isLocal ? "You" : g.participant.name} · on stage
                </span>
              </li>
            ))}
          </ul>
        ) : null}
        <RoomAudioRenderer />
        <TipFeed tips={p.tipFeed} />
        {controlError ? (
          <p role="alert" className="text-sm text-red-200">
            {controlError}
          </p>
        ) : null}
        <div className="flex flex-wrap items-start justify-center gap-3" role="toolbar" aria-label="Show controls">
          {isCreator || onStage ? (
            <>
              <ToggleButton
                on={isMicrophoneEnabled}
                busy={busy}
                onClick={() => void toggle("mic")}
                labels={["Mute", "Unmute"]}
                testId="toggle-mic"
              />
              <ToggleButton
                on={isCameraEnabled}
                busy={busy}
                onClick={() => void toggle("camera")}
                labels={["Stop camera", "Start camera"]}
                testId="toggle-camera"
              />
            </>
          ) : null}
          {isCreator ? (
            <ToggleButton
              on={isScreenShareEnabled}
              busy={busy}
              onClick={() => void toggle("screen")}
              labels={["Stop sharing", "Share screen"]}
              testId="toggle-screen"
              onIsNeutral
            />
          ) : (
            <TipForm room={{ kind: "show", id: p.eventId }} bounds={p.tips} />
          )}
          <button
            type="button"
            onClick={() => void p.room.disconnect()}
            data-testid="leave"
            className="rounded-full bg-red-600 px-5 py-2 text-sm font-semibold text-white hover:bg-red-500"
          >
            Leave
          </button>
        </div>
        {!isCreator ? (
          <div className="mt-3" data-testid="show-report">
            <ReportInRoom target={{ context: "show_room", eventId: p.eventId }} otherName={p.creatorName} />
          </div>
        ) : null}
        {!isCreator ? (
          <StageInvite
            eventId={p.eventId}
            mine={mine}
            canPublish={canPublish}
            devices={p.devices}
            onChanged={p.stage.refresh}
            room={p.room}
          />
        ) : null}
      </div>
      <div className="min-w-0 space-y-4">
        <StagePanel eventId={p.eventId} role={p.role} selfId={p.self.id} stage={p.stage} />
        {isCreator ? <ParticipantsPanel eventId={p.eventId} creatorUserId={p.creatorUserId} /> : null}
        <ChatPanel eventId={p.eventId} chat={p.chat} canModerate={isCreator} selfId={p.self.id} canReport />
      </div>
    </div>
  );
}

function ToggleButton(b: {
  on: boolean;
  busy: boolean;
  onClick: () => void;
  labels: [string, string];
  testId: string;
  /** Off is the normal state (screen share): no warning colour when off. */
  onIsNeutral?: boolean;
}) {
  const warnOff = !b.on && !b.onIsNeutral;
  return (
    <button
      type="button"
      disabled={b.busy}
      onClick={b.onClick}
      aria-pressed={b.onIsNeutral ? b.on : !b.on}
      data-testid={b.testId}
      className={cn(
        "rounded-full px-4 py-2 text-sm font-medium",
        warnOff ? "bg-amber-600 text-white" : "bg-slate-700 hover:bg-slate-600",
      )}
    >
      {b.on ? b.labels[0] : b.labels[1]}
    </button>
  );
}
