"use client";
import type { DisconnectReason, RemoteParticipant, Room } from "livekit-client";
import { useCallback, useEffect, useRef, useState } from "react";
import {
  FatalConnectError,
  runConnectPolicy,
  STATUS_TEXT,
  type AttemptNumber,
} from "@/lib/sessions/rules/connect-policy";
import { REMOVED_FOR_ATTRIBUTE } from "@/lib/sessions/room-constants";
import type { ServerMessage, TokenResponse } from "@/lib/sessions/schemas";
import type { IcePolicy } from "@/lib/trace/client-events";
import {
  DiagnosticsReporter,
  fetchTransport,
  randomId,
  selectedPathFromStats,
  type ReportedEvent,
} from "./diagnostics-reporter";
import { useLocalPreview } from "./pre-join";
import { useServerClock } from "./server-clock";

import type { Ended, RoomNoun } from "./call-runtime";

export type { Ended, RoomNoun };
export type Phase =
  | { kind: "prejoin"; error: string | null }
  | { kind: "connecting"; text: string }
  | { kind: "call"; room: Room }
  | { kind: "failed"; message: string }
  | { kind: "ended"; ended: Ended };

/**
 * One press of Join: both attempts share its id and start time. `cancel` ends it (Cancel, a newer
 * join, leaving the page): the room in flight is hung up and the join changes the page no more.
 */
type Join = {
  id: string;
  startedAt: number;
  tokens: Partial<Record<AttemptNumber, TokenResponse>>;
  firstMediaSent: boolean;
  connected?: TokenResponse;
  cancel: AbortController;
  /** The preview's tracks went to the room: going back to the pre-join must open the devices again. */
  handedOver: boolean;
};

class TokenError extends Error {}
/** The server could not reach the video service: worth a few automatic retries, not the relay route. */
class ServiceUnreachable extends TokenError {}
/** Waits before each automatic retry while the video service is unreachable (bounded: then the user decides). */
const UNREACHABLE_RETRY_MS = [2000, 4000, 8000, 15_000];
const STILL_UNREACHABLE =
  "The video service is still not reachable. Nothing is lost: press Join again in a few minutes, or contact support if it lasts.";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The SFU client and what the join does with it (call-runtime.ts), loaded on the press of Join while the
 * token is on its way, rather than with the page: the device check does not need it.
 */
const loadCall = () => import("./call-runtime");
type CallRuntime = Awaited<ReturnType<typeof loadCall>>;
/** Starts loading it early (the pointer is over Join): the join then finds it loaded. */
export const preloadCallRuntime = () => void loadCall().catch(() => {});

export type RoomJoinOptions = {
  /** POST here for a token (the session's or the show's). */
  tokenUrl: string;
  /** POST diagnostics batches here. */
  diagnosticsUrl: string;
  serverNow: string;
  closesAt: string;
  noun: RoomNoun;
  /** Open camera and microphone before joining and publish them on join (false: a show's audience). */
  publishOnJoin: boolean;
  /** The app's server messages other than closing_soon and closed (tips, chat, stage, removal). */
  onServerMessage?: (msg: ServerMessage, room: Room) => void;
  /** The signed-in user's id: a `removed` message about them ends the call with its reason. */
  selfId?: string;
};

/**
 * Joining a LiveKit room the way the app does, for a private session and a show alike: the device check, the
 * connect policy (direct, then one relay retry), bounded retries while the video service is unreachable,
 * the server's messages, first media and the end, each reported to the diagnostics endpoint on the app's clock.
 */
export function useRoomJoin(o: RoomJoinOptions) {
  const { tokenUrl, diagnosticsUrl, closesAt, noun, publishOnJoin, selfId } = o;
  const clock = useServerClock(o.serverNow);
  // Events and batches are stamped on the server's clock (clock.now is stable and reads the latest offset).
  const [reporter] = useState(() => new DiagnosticsReporter(fetchTransport(diagnosticsUrl), 2000, clock.now));
  const report = useCallback((e: ReportedEvent) => reporter.report(e), [reporter]);
  const devices = useLocalPreview(report, { auto: publishOnJoin });
  const { acquire, handOver } = devices;
  const [phase, setPhase] = useState<Phase>({ kind: "prejoin", error: null });
  const [reconnecting, setReconnecting] = useState(false);
  const [closingSoon, setClosingSoon] = useState<{ endsAt: string; closesAt: string } | null>(null);
  const join = useRef<Join | null>(null);
  const roomRef = useRef<Room | null>(null);
  const onMessage = useRef(o.onServerMessage);
  onMessage.current = o.onServerMessage;
  /** Whether `j` is still the join the page shows: not cancelled, not replaced. Checked before every phase change. */
  const live = (j: Join) => join.current === j && !j.cancel.signal.aborted;

  useEffect(() => {
    reporter.start();
    return () => {
      reporter.stop();
      void reporter.flush({ keepalive: true });
    };
  }, [reporter]);

  // Leaving the page mid-call or mid-connect: cancel and hang up (LiveKit also hangs up on pagehide).
  useEffect(
    () => () => {
      join.current?.cancel.abort();
      void roomRef.current?.disconnect();
    },
    [],
  );

  const ref = (t: TokenResponse | undefined, j: Join) => ({
    joinId: j.id,
    ...(t ? { seq: t.seq, attempt: t.attempt } : {}),
  });

  async function fetchToken(j: Join, attempt: AttemptNumber, policy: IcePolicy): Promise<TokenResponse> {
    let res: Response;
    const sentAt = Date.now();
    try {
      res = await fetch(tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          attempt,
          policy,
          joinId: j.id,
          timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        }),
        signal: j.cancel.signal,
      });
    } catch {
      throw new TokenError("We could not reach the server. Check your internet connection and press Join again.");
    }
    const body = (await res.json().catch(() => ({}))) as Partial<TokenResponse> & {
      error?: string;
      details?: { reason?: string };
    };
    if (!res.ok) {
      // The server's own words: "The room opens at 14:50 in your time zone…", "This session ended…".
      const text = body.error ?? "Something went wrong on our side. Press Join again in a moment.";
      if (res.status === 503 && body.details?.reason === "livekit_unreachable") throw new ServiceUnreachable(text);
      if (res.status === 401 || res.status === 403 || res.status === 404) throw new FatalConnectError(text);
      throw new TokenError(text);
    }
    const t = body as TokenResponse;
    performance.mark("join:token");
    clock.syncFrom(t.serverTime, sentAt, Date.now());
    j.tokens[attempt] = t;
    report({ type: "token_received", policy: t.policy, ...ref(t, j) });
    return t;
  }

  /** Polls the peer connection's stats until a candidate pair is selected, then reports it once. */
  async function reportSelectedPath(lk: CallRuntime, room: Room, t: TokenResponse, j: Join) {
    for (let i = 0; i < 40 && room.state !== lk.ConnectionState.Disconnected; i++) {
      const pcm = room.engine?.pcManager;
      for (const stats of [pcm?.publisher.getStats(), pcm?.subscriber?.getStats()]) {
        const report_ = await stats?.catch(() => undefined);
        const path = report_
          ? selectedPathFromStats(report_ as unknown as Parameters<typeof selectedPathFromStats>[0])
          : null;
        if (path) {
          report({ type: "ice_selected", ...path, ...ref(t, j) });
          return;
        }
      }
      await sleep(250);
    }
  }

  function attachRoomEvents(lk: CallRuntime, room: Room, t: TokenResponse, j: Join) {
    const { RoomEvent } = lk;
    let closed = false;
    let removedFor: string | null = null;
    room
      .on(RoomEvent.Reconnecting, () => {
        report({ type: "reconnecting", ...ref(t, j) });
        if (live(j)) setReconnecting(true);
      })
      .on(RoomEvent.Reconnected, () => {
        report({ type: "reconnected", ...ref(t, j) });
        if (live(j)) setReconnecting(false);
      })
      .on(
        RoomEvent.DataReceived,
        (
          payload: Uint8Array,
          participant?: RemoteParticipant,
          _kind?: unknown,
          topic?: string,
          _encryption?: unknown,
          participantIdentity?: string,
        ) => {
          // Only the server's own messages: other participants can publish on this topic too.
          const msg = lk.readServerMessage(payload, { topic, participant, participantIdentity });
          if (!msg || !live(j)) return;
          if (msg.type === "closing_soon") setClosingSoon({ endsAt: msg.endsAt, closesAt: msg.closesAt });
          else if (msg.type === "closed") {
            // The server deletes the room next (ROOM_DELETED, the reason reported); hang up ourselves only if it does not.
            closed = true;
            setTimeout(() => void room.disconnect(), 5000);
          } else if (msg.type === "removed" && msg.userId === selfId) {
            // The server removes us next (PARTICIPANT_REMOVED); the page shows its reason.
            removedFor = msg.reason;
            setTimeout(() => void room.disconnect(), 5000);
          } else onMessage.current?.(msg, room);
        },
      )
      .once(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
        // The reason for a removal comes as an attribute of ours (signalled before the removal) or as a message.
        removedFor ||= room.localParticipant.attributes[REMOVED_FOR_ATTRIBUTE] || null;
        const ended = lk.endedFor(reason, { closed, closesAt, now: clock.now(), noun, removedFor });
        report({ type: "disconnected", reason: ended.reason, ...ref(t, j) });
        // Keepalive: this may be the page being left (LiveKit hangs up on pagehide).
        void reporter.flush({ keepalive: true });
        if (roomRef.current === room) roomRef.current = null;
        // A cancelled join's room going away changes nothing on the page, which has moved on.
        if (!live(j)) return;
        setReconnecting(false);
        setPhase({ kind: "ended", ended });
      });
  }

  async function startJoin() {
    join.current?.cancel.abort();
    const j: Join = {
      id: randomId(),
      startedAt: performance.now(),
      tokens: {},
      firstMediaSent: false,
      cancel: new AbortController(),
      handedOver: false,
    };
    join.current = j;
    performance.mark("join:pressed");
    // The SFU client loads while the token is on its way.
    const call = loadCall();
    call.catch(() => {});
    setClosingSoon(null);
    setPhase({ kind: "connecting", text: STATUS_TEXT.connecting });
    let first: TokenResponse | undefined;
    for (let retry = 0; !first; retry++) {
      try {
        first = await fetchToken(j, 1, "all");
      } catch (err) {
        if (!live(j)) return;
        // The video service is away: say so and try again, a few times, without a relay retry (it would not help).
        if (err instanceof ServiceUnreachable && retry < UNREACHABLE_RETRY_MS.length) {
          setPhase({ kind: "connecting", text: err.message });
          await sleep(UNREACHABLE_RETRY_MS[retry]!);
          if (!live(j)) return;
          continue;
        }
        const message =
          err instanceof ServiceUnreachable ? STILL_UNREACHABLE : err instanceof Error ? err.message : String(err);
        setPhase({ kind: "prejoin", error: message });
        return;
      }
    }
    if (!live(j)) return;
    let lk: CallRuntime;
    try {
      lk = await call;
    } catch {
      if (live(j))
        setPhase({
          kind: "prejoin",
          error: "We could not load the call. Check your internet connection and press Join again.",
        });
      return;
    }
    if (!live(j)) return;
    // The attempt whose connection reached livekit-server and has not failed: cancelling it mid-connect
    // hangs up a participant the server already saw, which support's timeline must show as ended by us.
    let signalled: TokenResponse | null = null;
    const result = await runConnectPolicy<{ room: Room; token: TokenResponse }>({
      directWindowMs: first.connect.directWindowMs,
      relayWindowMs: first.connect.relayWindowMs,
      signal: j.cancel.signal,
      connect: async (attempt, policy, ctx) => {
        const t = attempt === 1 ? first : await fetchToken(j, attempt, policy);
        // Given up (window over, or the join cancelled) while the token was on its way: no room at all.
        if (ctx.signal.aborted) throw new Error("cancelled");
        const room = new lk.Room({ dynacast: true, adaptiveStream: !publishOnJoin });
        room.once(lk.RoomEvent.SignalConnected, () => {
          ctx.signalConnected();
          signalled = t;
          report({ type: "signal_connected", ...ref(t, j) });
        });
        const abort = () => void room.disconnect();
        ctx.signal.addEventListener("abort", abort);
        try {
          // Relay only: the server's TURN credentials come with the join; passing iceServers would drop them.
          await room.connect(t.url, t.token, {
            autoSubscribe: true,
            ...(policy === "relay" ? { rtcConfig: { iceTransportPolicy: "relay" } } : {}),
          });
        } finally {
          ctx.signal.removeEventListener("abort", abort);
        }
        return { room, token: t };
      },
      discard: ({ room }) => void room.disconnect(),
      onStatus: (status, text) => {
        if (live(j) && (status === "connecting" || status === "retrying")) setPhase({ kind: "connecting", text });
      },
      onAttemptFailed: (f) => {
        signalled = null;
        report({
          type: "attempt_failed",
          stage: f.stage,
          afterMs: f.afterMs,
          message: f.message,
          ...ref(j.tokens[f.attempt], j),
          attempt: f.attempt,
        });
      },
    });
    if (!result.ok) {
      if (result.cancelled && signalled)
        report({ type: "disconnected", reason: "CLIENT_INITIATED", ...ref(signalled, j) });
      void reporter.flush();
      if (!result.cancelled && live(j)) setPhase({ kind: "failed", message: result.message });
      return;
    }
    const { room, token } = result.value;
    if (!live(j)) {
      // Cancelled just as the connection came up.
      void room.disconnect();
      return;
    }
    performance.mark("join:connected");
    j.connected = token;
    roomRef.current = room;
    // From here on, cancelling the join (Cancel while the tracks are published, leaving the page) hangs this room up.
    j.cancel.signal.addEventListener("abort", () => void room.disconnect(), { once: true });
    attachRoomEvents(lk, room, token, j);
    void reportSelectedPath(lk, room, token, j);
    const tracks = handOver();
    j.handedOver = tracks.length > 0;
    // The call shows as soon as the room is joined, so the other side's video mounts the moment its track is
    // subscribed, while our own camera and microphone are still being published.
    setPhase({ kind: "call", room });
    for (const track of tracks) {
      // Cancelled, or the room already ended, while the tracks were being published.
      if (!live(j) || room.state === lk.ConnectionState.Disconnected) {
        track.stop();
        continue;
      }
      await room.localParticipant.publishTrack(lk.toLocalTrack(track)).catch(() => track.stop());
    }
  }

  /** After a call the preview tracks were handed to the room (and stopped with it): open them again. */
  const backToPreJoin = (reopenDevices: boolean) => {
    setPhase({ kind: "prejoin", error: null });
    if (reopenDevices && publishOnJoin) void acquire();
  };

  /** Cancel while connecting: the join in flight is abandoned and its room, if any, hung up. */
  const cancelJoin = () => {
    const j = join.current;
    j?.cancel.abort();
    backToPreJoin(j?.handedOver ?? false);
  };

  const onFirstRemoteFrame = useCallback(() => {
    const j = join.current;
    if (!j || j.firstMediaSent || !j.connected) return;
    j.firstMediaSent = true;
    report({
      type: "first_media",
      msFromJoin: Math.round(performance.now() - j.startedAt),
      joinId: j.id,
      seq: j.connected.seq,
      attempt: j.connected.attempt,
    });
    void reporter.flush();
  }, [report, reporter]);

  return {
    clock,
    report,
    devices,
    phase,
    reconnecting,
    closingSoon,
    startJoin: () => void startJoin(),
    cancelJoin,
    backToPreJoin,
    onFirstRemoteFrame,
  };
}
