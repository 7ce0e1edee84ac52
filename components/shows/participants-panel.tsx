"use client";
import { useParticipants } from "@livekit/components-react";
import { Track } from "livekit-client";
import { useState } from "react";
import { callApi } from "@/components/room/api";

type Pending = { userId: string; name: string; action: "remove" | "ban" };

/**
 * The host's list of who is in the room, with moderation: mute a track, remove (they are told why), ban from
 * all of this creator's shows and bookings. Each goes through the app's server, which records and traces it.
 */
export function ParticipantsPanel({ eventId, creatorUserId }: { eventId: string; creatorUserId: string }) {
  const people = useParticipants()
    .filter((p) => !p.isLocal && p.identity !== creatorUserId)
    .map((p) => {
      const mic = p.getTrackPublication(Track.Source.Microphone);
      const cam = p.getTrackPublication(Track.Source.Camera);
      return {
        identity: p.identity,
        name: p.name || "A viewer",
        mic: !!mic && !mic.isMuted,
        camera: !!cam && !cam.isMuted,
      };
    });
  return <ModerationList eventId={eventId} people={people} />;
}

export type RoomPerson = { identity: string; name: string; mic: boolean; camera: boolean };

/** The moderation list itself, for the host's room and the admin's show page (people as LiveKit or the app knows them). */
export function ModerationList({ eventId, people }: { eventId: string; people: RoomPerson[] }) {
  const [pending, setPending] = useState<Pending | null>(null);
  const [reason, setReason] = useState("");
  const [note, setNote] = useState<{ error: boolean; text: string } | null>(null);

  const act = async (action: string, body: Record<string, unknown>, done: string) => {
    const res = await callApi(`/api/shows/${eventId}/moderation/${action}`, { body });
    setNote(res.ok ? { error: false, text: done } : { error: true, text: res.error });
  };

  return (
    <section className="rounded-xl border border-slate-800 bg-slate-900 p-3 text-sm" aria-label="People in the room">
      <h2 className="font-semibold">In the room ({people.length})</h2>
      <ul className="mt-2 space-y-2" data-testid="participants">
        {people.length === 0 ? <li className="text-slate-400">Nobody else yet.</li> : null}
        {people.map((p) => {
          const name = p.name;
          return (
            <li key={p.identity} className="space-y-1" data-testid="participant" data-identity={p.identity}>
              <p className="font-medium">{name}</p>
              <div className="flex flex-wrap gap-2 text-xs">
                {p.mic ? (
                  <button
                    type="button"
                    className="rounded border border-slate-600 px-2 py-0.5"
                    onClick={() =>
                      void act("mute", { userId: p.identity, source: "microphone" }, `${name}'s microphone is muted.`)
                    }
                  >
                    Mute microphone
                  </button>
                ) : null}
                {p.camera ? (
                  <button
                    type="button"
                    className="rounded border border-slate-600 px-2 py-0.5"
                    onClick={() =>
                      void act("mute", { userId: p.identity, source: "camera" }, `${name}'s camera is switched off.`)
                    }
                  >
                    Stop camera
                  </button>
                ) : null}
                <button
                  type="button"
                  data-testid="participant-remove"
                  className="rounded border border-red-400 px-2 py-0.5 text-red-200"
                  onClick={() => setPending({ userId: p.identity, name, action: "remove" })}
                >
                  Remove
                </button>
                <button
                  type="button"
                  data-testid="participant-ban"
                  className="rounded border border-red-400 px-2 py-0.5 text-red-200"
                  onClick={() => setPending({ userId: p.identity, name, action: "ban" })}
                >
                  Ban
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      {pending ? (
        <form
          className="mt-3 space-y-2 rounded-lg border border-red-400/40 p-2"
          onSubmit={(e) => {
            e.preventDefault();
            const { userId, name, action } = pending;
            setPending(null);
            setReason("");
            void act(
              action,
              { userId, ...(reason.trim() ? { reason: reason.trim() } : {}) },
              action === "ban"
                ? `${name} is banned from your shows and bookings; their future purchases are refunded.`
                : `${name} was removed and cannot rejoin this show.`,
            );
          }}
        >
          <p>
            {pending.action === "ban"
              ? `Ban ${pending.name}: they leave now, cannot buy your shows or book you again, and what they bought for later is refunded.`
              : `Remove ${pending.name} from this show: they cannot rejoin it.`}
          </p>
          <label className="block">
            <span className="text-xs text-slate-300">Reason (they see it)</span>
            <input
              value={reason}
              maxLength={300}
              data-testid="moderation-reason"
              onChange={(e) => setReason(e.target.value)}
              className="mt-1 block w-full rounded-md border border-slate-600 bg-slate-950 px-2 py-1"
            />
          </label>
          <div className="flex gap-2">
            <button
              type="submit"
              data-testid="moderation-confirm"
              className="rounded-md bg-red-600 px-3 py-1 font-semibold text-white"
            >
              {pending.action === "ban" ? "Ban" : "Remove"} {pending.name}
            </button>
            <button type="button" className="underline" onClick={() => setPending(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
      {note ? (
        <p role={note.error ? "alert" : "status"} className={note.error ? "mt-2 text-red-200" : "mt-2 text-green-200"}>
          {note.text}
        </p>
      ) : null}
    </section>
  );
}
