"use client";
import { RoomContext } from "@livekit/components-react";
import { useCallback, useState } from "react";
import type { ServerMessage } from "@/lib/sessions/schemas";
import { type TipBounds, TipFeed, TipForm, type TipNotice } from "@/components/tips/tip-form";
import { CallView } from "./call-view";
import { PreJoin } from "./pre-join";
import { ReportInRoom } from "./report-in-room";
import { Connecting, EndedScreen, Failed } from "./room-states";
import { useRoomJoin } from "./use-room-join";

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
}: SessionRoomProps) {
  const [tipFeed, setTipFeed] = useState<TipNotice[]>([]);
  const onServerMessage = useCallback((msg: ServerMessage) => {
    if (msg.type === "tip") setTipFeed((t) => (t.some((x) => x.tipId === msg.tipId) ? t : [msg, ...t].slice(0, 20)));
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

  return (
    <section className="rounded-2xl bg-slate-950 p-4 text-slate-100 shadow-lg sm:p-6" aria-label="Session room">
      {phase.kind === "prejoin" ? (
        <>
          <p className="sr-only" role="status" data-testid="room-status">
            Ready to join
          </p>
          <PreJoin
            preview={preview}
            onRetry={() => void acquire()}
            onJoin={startJoin}
            error={phase.error}
            otherName={otherName}
          />
        </>
      ) : phase.kind === "connecting" ? (
        <Connecting text={phase.text} onCancel={cancelJoin} />
      ) : phase.kind === "call" ? (
        <RoomContext.Provider value={phase.room}>
          <CallView
            otherName={otherName}
            startsAt={startsAt}
            closesAt={closesAt}
            warningAt={warningAt}
            endsAt={endsAt}
            closingSoon={closingSoon}
            reconnecting={reconnecting}
            clockOffset={clock.offset}
            onLeave={() => void phase.room.disconnect()}
            onFirstRemoteFrame={onFirstRemoteFrame}
          />
          <div className="mt-3 space-y-2">
            <TipFeed tips={tipFeed} />
            {tips ? <TipForm room={{ kind: "booking", id: bookingId }} bounds={tips} /> : null}
            <ReportInRoom bookingId={bookingId} otherName={otherName} />
          </div>
        </RoomContext.Provider>
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
