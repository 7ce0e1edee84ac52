"use client";
import type { Room } from "livekit-client";
import { useCallback, useEffect, useState } from "react";
import { callApi } from "@/components/room/api";
import { toLocalTrack } from "@/components/room/call-runtime";
import { LocalPreviewVideo } from "@/components/room/pre-join";
import type { useRoomJoin } from "@/components/room/use-room-join";

type StageRequest = {
  id: string;
  userId: string;
  name: string;
  status: "raised" | "invited" | "on_stage";
  raisedAt: string;
};

/** The stage as the server says it is; looked at again on each `stage` message from the server. */
export function useStage(eventId: string) {
  const [state, setState] = useState<{ requests: StageRequest[]; max: number }>({ requests: [], max: 1 });
  const refresh = useCallback(async () => {
    const res = await callApi<{ requests: StageRequest[]; max: number }>(`/api/shows/${eventId}/stage`);
    if (res.ok) setState(res.data);
  }, [eventId]);
  return { ...state, refresh };
}

const stagePost = (eventId: string, path: string) => callApi(`/api/shows/${eventId}/stage${path}`, { body: {} });

/** The creator's queue (invite, send back) or a viewer's hand (raise, lower). */
export function StagePanel({
  eventId,
  role,
  selfId,
  stage,
}: {
  eventId: string;
  role: "creator" | "viewer";
  selfId: string;
  stage: ReturnType<typeof useStage>;
}) {
  const [error, setError] = useState<string | null>(null);
  const run = async (path: string) => {
    const res = await stagePost(eventId, path);
    setError(res.ok ? null : res.error);
    void stage.refresh();
  };
  const mine = stage.requests.find((r) => r.userId === selfId);
  const onStage = stage.requests.filter((r) => r.status !== "raised");

  return (
    <section className="rounded-xl border border-slate-800 bg-slate-900 p-3 text-sm" aria-label="Stage">
      <h2 className="font-semibold">
        Stage{" "}
        <span className="font-normal text-slate-400">
          ({onStage.length}/{stage.max} places taken)
        </span>
      </h2>
      {role === "creator" ? (
        <ul className="mt-2 space-y-2" data-testid="stage-queue">
          {stage.requests.length === 0 ? <li className="text-slate-400">No raised hands.</li> : null}
          {stage.requests.map((r) => (
            <li key={r.id} className="flex items-center justify-between gap-2" data-testid="stage-request">
              <span>
                {r.name}{" "}
                <span className="text-slate-400">
                  {r.status === "raised" ? "raised a hand" : r.status === "invited" ? "invited…" : "on stage"}
                </span>
              </span>
              {r.status === "raised" ? (
                <button
                  type="button"
                  data-testid="stage-invite"
                  className="rounded-md bg-brand px-2 py-1 font-semibold text-on-brand"
                  onClick={() => void run(`/${r.id}/invite`)}
                >
                  Invite on stage
                </button>
              ) : (
                <button
                  type="button"
                  data-testid="stage-end"
                  className="rounded-md border border-slate-600 px-2 py-1"
                  onClick={() => void run(`/${r.id}/end`)}
                >
                  {r.status === "on_stage" ? "Send back" : "Withdraw"}
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : mine ? (
        <div className="mt-2 flex items-center justify-between gap-2">
          <span data-testid="hand-status">
            {mine.status === "raised"
              ? "Your hand is raised."
              : mine.status === "invited"
                ? "You are invited on stage."
                : "You are on stage."}
          </span>
          <button
            type="button"
            data-testid="hand-lower"
            className="rounded-md border border-slate-600 px-2 py-1"
            onClick={() => void run(`/${mine.id}/end`)}
          >
            {mine.status === "on_stage" ? "Leave the stage" : "Lower hand"}
          </button>
        </div>
      ) : (
        <button
          type="button"
          data-testid="hand-raise"
          className="mt-2 rounded-md border border-slate-600 px-3 py-1.5 hover:bg-slate-800"
          onClick={() => void run("")}
        >
          Raise hand
        </button>
      )}
      {error ? (
        <p role="alert" className="mt-2 text-xs text-red-200">
          {error}
        </p>
      ) : null}
    </section>
  );
}

/**
 * A viewer invited on stage: consent and a device check first, then the server lets them publish and the
 * page publishes the checked camera and microphone. Declining ends the invitation.
 */
export function StageInvite({
  eventId,
  mine,
  canPublish,
  devices,
  onChanged,
  room,
}: {
  eventId: string;
  mine: StageRequest | undefined;
  canPublish: boolean;
  devices: ReturnType<typeof useRoomJoin>["devices"];
  onChanged: () => Promise<void>;
  room: Room;
}) {
  const [step, setStep] = useState<"ask" | "check" | "going">("ask");
  const [error, setError] = useState<string | null>(null);
  const { preview, acquire, release, handOver } = devices;

  // The server granted publishing: publish the checked devices (once per going on stage).
  useEffect(() => {
    if (step !== "going" || !canPublish) return;
    setStep("ask");
    for (const track of handOver())
      void room.localParticipant.publishTrack(toLocalTrack(track)).catch(() => track.stop());
  }, [step, canPublish, handOver, room]);

  if (mine?.status !== "invited" && step !== "going") return null;
  const accept = async () => {
    setError(null);
    setStep("going");
    const res = await stagePost(eventId, `/${mine?.id}/accept`);
    if (!res.ok) {
      setError(res.error);
      setStep("check");
    }
    void onChanged();
  };
  const decline = async () => {
    release();
    setStep("ask");
    await stagePost(eventId, `/${mine?.id}/end`);
    void onChanged();
  };

  return (
    <div
      role="dialog"
      aria-label="Invitation to the stage"
      data-testid="stage-invitation"
      className="space-y-3 rounded-xl border border-brand bg-slate-900 p-4 text-sm"
    >
      <p className="font-semibold">The host invites you on stage: everyone will see and hear you.</p>
      {step === "ask" ? (
        <div className="flex gap-2">
          <button
            type="button"
            data-testid="stage-check"
            className="rounded-md bg-brand px-3 py-1.5 font-semibold text-on-brand"
            onClick={() => {
              setStep("check");
              void acquire();
            }}
          >
            Check camera and microphone
          </button>
          <button type="button" className="rounded-md px-3 py-1.5 underline" onClick={() => void decline()}>
            Not now
          </button>
        </div>
      ) : (
        <div className="space-y-2">
          <div className="aspect-video w-full max-w-xs overflow-hidden rounded-lg bg-black">
            {preview.video ? <LocalPreviewVideo track={preview.video} className="h-full w-full object-cover" /> : null}
          </div>
          <p aria-live="polite">
            {preview.state === "asking"
              ? "Starting your camera… If your browser asks, choose Allow."
              : preview.problems.length
                ? `Not working: ${preview.problems.map((x) => x.device).join(" and ")}. You can still go on stage, or try again.`
                : "Camera and microphone work."}
          </p>
          <div className="flex gap-2">
            <button
              type="button"
              data-testid="stage-accept"
              disabled={preview.state === "asking" || step === "going"}
              className="rounded-md bg-brand px-3 py-1.5 font-semibold text-on-brand disabled:opacity-50"
              onClick={() => void accept()}
            >
              {step === "going" ? "Going on stage…" : "Go on stage"}
            </button>
            <button type="button" className="rounded-md px-3 py-1.5 underline" onClick={() => void decline()}>
              Not now
            </button>
          </div>
        </div>
      )}
      {error ? (
        <p role="alert" className="text-red-200">
          {error}
        </p>
      ) : null}
    </div>
  );
}
