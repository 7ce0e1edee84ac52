"use client";
import { useCallback, useEffect, useState } from "react";
import type { ServerMessage } from "@/lib/sessions/schemas";
import type { TipBounds, TipNotice } from "@/components/tips/tip-form";
import { PreJoin } from "./pre-join";
import { Connecting, EndedScreen, Failed } from "./room-states";
import { preloadCallRuntime, useRoomJoin } from "./use-room-join";

// The call's UI (LiveKit's React components, the tip form) loads after the device check (when the browser
// is idle, or the pointer is over Join), beside the SFU client, not with the page: the device check does
// not need it. It is held as a loaded module and rendered directly, not through React.lazy: a lazy
// component that suspends once is held back by React's Suspense throttle (300 ms) even when its code is
// already in, and that was a third of the time from Join to the other side's first frame (bench:join).
const loadSessionCall = () => import("./session-call");
type SessionCallModule = Awaited<ReturnType<typeof loadSessionCall>>;

export type SessionRoomProps = {
  bookingId: string;
  otherName: string;
  /** The session's start: a call joined early (the room opens before it) counts down to it first. */
  startsAt: string;
  endsAt: string;
  closesAt: string;
  warningAt: string;
  /** The server's clock when the page was rendered (ISO): countdowns run on the server's time. */
  serverNow: string;
  /** The signed-in user: the server's `removed` message about them ends the call with its reason. */
  selfId?: string;
  /** The viewer may tip the creator during the call (the creator gets none). */
  tips?: TipBounds;
  /** The offering's recording notice, shown before joining (null: never recorded). */
  recordingNotice?: string | null;
  /** A recording runs as the page loads; the server's `recording` messages update it. */
  recordingActive?: boolean;
  /** Policy "on request", the creator: a button to start or stop recording, and whether it was started. */
  recordingControl?: { requested: boolean } | null;
};

/**
 * The room of one private session: the device check, the connect policy (direct, then one relay
 * retry), the call and the end screen (useRoomJoin), reporting to POST /api/sessions/:id/diagnostics.
 */
export function SessionRoom({
  bookingId,
  otherName,
  startsAt,
  endsAt,
  closesAt,
  warningAt,
  serverNow,
  selfId,
  tips,
  recordingNotice,
  recordingActive = false,
  recordingControl,
}: SessionRoomProps) {
  const [requested, setRequested] = useState(recordingControl?.requested ?? false);
  const [requestError, setRequestError] = useState("");
  const toggleRecording = async () => {
    setRequestError("");
    const res = await fetch(`/api/sessions/${bookingId}/recording`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ on: !requested }),
    }).catch(() => null);
    if (res?.ok) setRequested(((await res.json()) as { on: boolean }).on);
    else setRequestError(((await res?.json().catch(() => null)) as { error?: string } | null)?.error ?? "Try again.");
  };
  const [tipFeed, setTipFeed] = useState<TipNotice[]>([]);
  const [callModule, setCallModule] = useState<SessionCallModule | null>(null);
  const preloadCall = useCallback(() => {
    void loadSessionCall().then(
      (m) => setCallModule((had) => had ?? m),
      () => {},
    );
    preloadCallRuntime();
  }, []);
  const [recording, setRecording] = useState({ on: recordingActive, announced: "" });
  const onServerMessage = useCallback((msg: ServerMessage) => {
    if (msg.type === "tip") setTipFeed((t) => (t.some((x) => x.tipId === msg.tipId) ? t : [msg, ...t].slice(0, 20)));
    if (msg.type === "recording")
      setRecording((r) =>
        r.on === msg.on ? r : { on: msg.on, announced: msg.on ? "Recording started" : "Recording stopped" },
      );
  }, []);
  const { clock, devices, phase, reconnecting, closingSoon, startJoin, cancelJoin, backToPreJoin, onFirstRemoteFrame } =
    useRoomJoin({
      tokenUrl: `/api/sessions/${bookingId}/token`,
      diagnosticsUrl: `/api/sessions/${bookingId}/diagnostics`,
      serverNow,
      closesAt,
      noun: "session",
      publishOnJoin: true,
      selfId,
      onServerMessage,
    });
  const { preview, acquire } = devices;
  // Joined before the call's code was asked for (no idle moment, no pointer): load it now.
  useEffect(() => {
    if (phase.kind === "call" && !callModule) preloadCall();
  }, [phase.kind, callModule, preloadCall]);

  return (
    <section
      className="room-surface rounded-2xl bg-slate-950 p-4 text-slate-100 shadow-lg sm:p-6"
      aria-label="Session room"
    >
      {/* Starting and stopping are announced to screen readers; the badge shows while a recording runs. */}
      <p className="sr-only" role="status" aria-live="polite" data-testid="recording-announcement">
        {recording.announced}
      </p>
      {recording.on && phase.kind !== "ended" ? (
        <p
          className="mb-3 inline-flex items-center gap-2 rounded-full bg-red-700 px-3 py-1 text-sm font-semibold text-white"
          data-testid="recording-indicator"
        >
          <span aria-hidden="true" className="h-2 w-2 rounded-full bg-white" />
          Recording
        </p>
      ) : null}
      {recordingControl && phase.kind === "call" ? (
        <div className="mb-3 flex flex-wrap items-center gap-3">
          <button
            type="button"
            onClick={() => void toggleRecording()}
            className="rounded-md border border-slate-500 px-3 py-1.5 text-sm font-semibold hover:bg-slate-800"
            data-testid="recording-toggle"
          >
            {requested ? "Stop recording" : "Start recording"}
          </button>
          {requestError ? (
            <span role="alert" className="text-sm text-amber-300">
              {requestError}
            </span>
          ) : null}
        </div>
      ) : null}
      {phase.kind === "prejoin" ? (
        <>
          {recordingNotice ? (
            <p
              className="mb-3 rounded-md bg-amber-100 px-3 py-2 text-sm font-medium text-amber-950"
              data-testid="recording-notice"
            >
              {recordingNotice}
            </p>
          ) : null}
          <p className="sr-only" role="status" data-testid="room-status">
            Ready to join
          </p>
          <PreJoin
            preview={preview}
            onRetry={() => void acquire()}
            onSwitchDevice={(kind, id) => void devices.switchDevice(kind, id)}
            onJoinIntent={preloadCall}
            onJoin={() => {
              preloadCall();
              startJoin();
            }}
            error={phase.error}
            otherName={otherName}
          />
        </>
      ) : phase.kind === "connecting" ? (
        <Connecting text={phase.text} onCancel={cancelJoin} />
      ) : phase.kind === "call" ? (
        callModule ? (
          <callModule.default
            room={phase.room}
            bookingId={bookingId}
            otherName={otherName}
            startsAt={startsAt}
            closesAt={closesAt}
            warningAt={warningAt}
            endsAt={endsAt}
            closingSoon={closingSoon}
            reconnecting={reconnecting}
            clockOffset={clock.offset}
            onFirstRemoteFrame={onFirstRemoteFrame}
            tipFeed={tipFeed}
            tips={tips}
          />
        ) : (
          <Connecting text="Opening the call…" onCancel={cancelJoin} />
        )
      ) : phase.kind === "failed" ? (
        <Failed message={phase.message} onRetry={() => backToPreJoin(false)} />
      ) : (
        <EndedScreen
          ended={phase.ended}
          onRejoin={() => backToPreJoin(true)}
          back={{ href: `/bookings/${bookingId}`, label: "Back to the booking" }}
        />
      )}
    </section>
  );
}
