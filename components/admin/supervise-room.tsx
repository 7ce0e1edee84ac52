"use client";
import type { RemoteTrack, Room } from "livekit-client";
import { useEffect, useRef, useState } from "react";
import { callApi } from "@/components/room/api";

type Seen = { identity: string; name: string; tracks: { sid: string; track: RemoteTrack }[] };

/** One remote video or audio track, attached to its element while shown. */
function TrackView({ track, label }: { track: RemoteTrack; label: string }) {
  const ref = useRef<HTMLVideoElement & HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    track.attach(el);
    return () => {
      track.detach(el);
    };
  }, [track]);
  return track.kind === "video" ? (
    <video
      ref={ref}
      autoPlay
      playsInline
      muted
      className="aspect-video w-full rounded bg-black"
      data-testid="supervised-video"
      aria-label={label}
    />
  ) : (
    // biome-ignore lint/a11y/useMediaCaption: a live room's sound; there is no caption track to give
    <audio ref={ref} autoPlay />
  );
}

/**
 * "Watch unseen" on an admin's session or show page: a hidden, subscribe-only LiveKit grant (POST
 * /api/admin/supervise). The people in the room are not shown the admin; the admin sees and hears them.
 */
export function SuperviseRoom({ target }: { target: { bookingId: string } | { eventId: string } }) {
  const [room, setRoom] = useState<Room | null>(null);
  const [seen, setSeen] = useState<Seen[]>([]);
  const [state, setState] = useState<{ kind: "idle" | "busy" | "watching" } | { kind: "error"; text: string }>({
    kind: "idle",
  });
  useEffect(() => () => void room?.disconnect(), [room]);

  const start = async () => {
    setState({ kind: "busy" });
    const res = await callApi<{ token: string; url: string }>("/api/admin/supervise", { body: target });
    if (!res.ok) {
      setState({ kind: "error", text: res.error });
      return;
    }
    // Loaded only when an admin asks to watch: the admin pages do not carry LiveKit otherwise.
    const { Room, RoomEvent } = await import("livekit-client");
    const r = new Room();
    const refresh = () =>
      setSeen(
        [...r.remoteParticipants.values()].map((p) => ({
          identity: p.identity,
          name: p.name || p.identity,
          tracks: [...p.trackPublications.values()].flatMap((t) =>
            t.track ? [{ sid: t.trackSid, track: t.track as RemoteTrack }] : [],
          ),
        })),
      );
    for (const e of [
      RoomEvent.ParticipantConnected,
      RoomEvent.ParticipantDisconnected,
      RoomEvent.TrackSubscribed,
      RoomEvent.TrackUnsubscribed,
    ])
      r.on(e, refresh);
    r.on(RoomEvent.Disconnected, () => setState({ kind: "idle" }));
    try {
      await r.connect(res.data.url, res.data.token, { autoSubscribe: true });
      setRoom(r);
      refresh();
      setState({ kind: "watching" });
    } catch (err) {
      setState({ kind: "error", text: `Could not connect to the room: ${String((err as Error)?.message ?? err)}` });
    }
  };

  return (
    <section className="space-y-3 rounded-xl border border-slate-200 bg-white p-4" aria-label="Supervise">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-lg font-semibold">Supervise unseen</h2>
        {state.kind === "watching" ? (
          <button
            type="button"
            data-testid="supervise-stop"
            onClick={() => {
              void room?.disconnect();
              setRoom(null);
              setSeen([]);
            }}
            className="rounded-md border border-slate-300 px-3 py-1.5 text-sm"
          >
            Stop watching
          </button>
        ) : (
          <button
            type="button"
            data-testid="supervise-start"
            disabled={state.kind === "busy"}
            onClick={() => void start()}
            className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-semibold text-white disabled:opacity-60"
          >
            {state.kind === "busy" ? "Connecting…" : "Watch unseen"}
          </button>
        )}
      </div>
      <p className="text-sm text-slate-600">
        You join hidden and cannot publish or send anything; the people in the room are not shown you. Each watch link
        and each join is recorded in the audit log and on the session's story.
      </p>
      {state.kind === "error" ? (
        <p role="alert" className="text-sm text-red-700">
          {state.text}
        </p>
      ) : null}
      {state.kind === "watching" ? (
        <div className="space-y-2" data-testid="supervising">
          <p role="status" className="text-sm font-medium">
            Watching unseen: {seen.length === 1 ? "1 person" : `${seen.length} people`} in the room.
          </p>
          <ul className="grid gap-3 md:grid-cols-2">
            {seen.map((p) => (
              <li
                key={p.identity}
                className="space-y-1"
                data-testid="supervised-participant"
                data-identity={p.identity}
              >
                <p className="text-sm">{p.name}</p>
                {p.tracks.map((t) => (
                  <TrackView key={t.sid} track={t.track} label={`${p.name}'s video`} />
                ))}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
