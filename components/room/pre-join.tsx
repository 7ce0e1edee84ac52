"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { cn } from "@/lib/cn";
import type { ReportedEvent } from "./diagnostics-reporter";
import { classifyDeviceError, detectBrowser, deviceHelp, type DeviceErrorKind, type DeviceKind } from "./device-help";

export type DeviceProblem = { device: DeviceKind; error: DeviceErrorKind; name: string };
/**
 * The device check holds plain browser tracks (getUserMedia): the SFU client (livekit-client) is loaded only
 * when the person presses Join, and wraps these same tracks then (use-room-join.ts).
 */
export type Preview = {
  state: "asking" | "ready";
  video?: MediaStreamTrack;
  audio?: MediaStreamTrack;
  problems: DeviceProblem[];
};

/** What the call asks of each device (the same as livekit-client's defaults for a 720p camera). */
export const AUDIO_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};
export const VIDEO_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30 },
};

const open = async (constraints: MediaStreamConstraints) =>
  (await navigator.mediaDevices.getUserMedia(constraints)).getTracks();

/** Opens camera and microphone together (one permission prompt); on failure, each alone to learn which one failed and why. */
async function openDevices(): Promise<Omit<Preview, "state">> {
  if (typeof navigator === "undefined" || !navigator.mediaDevices?.getUserMedia) {
    // Insecure origin (plain http on a public address) or a very old browser: there is no getUserMedia at all.
    const p = (device: DeviceKind): DeviceProblem => ({ device, error: "other", name: "NoMediaDevices" });
    return { problems: [p("camera"), p("microphone")] };
  }
  try {
    const tracks = await open({ audio: AUDIO_CONSTRAINTS, video: VIDEO_CONSTRAINTS });
    return {
      video: tracks.find((t) => t.kind === "video"),
      audio: tracks.find((t) => t.kind === "audio"),
      problems: [],
    };
  } catch {
    const problems: DeviceProblem[] = [];
    const [video] = await open({ video: VIDEO_CONSTRAINTS }).catch((err: unknown) => {
      problems.push({ device: "camera", ...classifyDeviceError(err) });
      return [];
    });
    const [audio] = await open({ audio: AUDIO_CONSTRAINTS }).catch((err: unknown) => {
      problems.push({ device: "microphone", ...classifyDeviceError(err) });
      return [];
    });
    return { video, audio, problems };
  }
}

/**
 * The camera and microphone preview, owned by the room (the same tracks are published on join).
 * Each device that fails is reported once as a device_error diagnostic.
 */
export function useLocalPreview(report: (e: ReportedEvent) => void, { auto = true }: { auto?: boolean } = {}) {
  const [preview, setPreview] = useState<Preview>({ state: auto ? "asking" : "ready", problems: [] });
  const tracks = useRef<MediaStreamTrack[]>([]);
  const generation = useRef(0);

  const release = useCallback(() => {
    generation.current++;
    for (const t of tracks.current) t.stop();
    tracks.current = [];
  }, []);

  const acquire = useCallback(async () => {
    release();
    const gen = generation.current;
    setPreview({ state: "asking", problems: [] });
    const result = await openDevices();
    if (gen !== generation.current) {
      // A newer request (Try again, or React's double effect in development) replaced this one.
      result.video?.stop();
      result.audio?.stop();
      return;
    }
    tracks.current = [result.video, result.audio].filter((t): t is MediaStreamTrack => !!t);
    for (const p of result.problems) report({ type: "device_error", device: p.device, error: p.error, name: p.name });
    setPreview({ state: "ready", ...result });
  }, [release, report]);

  // Opened on arrival, unless the page asks first (a show's audience opens devices only to go on stage).
  useEffect(() => {
    if (auto) void acquire();
    return release;
  }, [acquire, release, auto]);

  /** The tracks handed to the room: the room stops them when it disconnects. */
  const handOver = useCallback(() => {
    const handed = tracks.current;
    tracks.current = [];
    return handed;
  }, []);

  /** Another camera or microphone chosen in the device check: open it, then stop the one it replaces. */
  const switchDevice = useCallback(async (kind: "video" | "audio", deviceId: string) => {
    const gen = generation.current;
    const constraints = kind === "video" ? VIDEO_CONSTRAINTS : AUDIO_CONSTRAINTS;
    const [track] = await open({ [kind]: { ...constraints, deviceId: { exact: deviceId } } }).catch(() => []);
    if (!track) return;
    if (gen !== generation.current) return void track.stop();
    const old = tracks.current.find((t) => t.kind === kind);
    tracks.current = [...tracks.current.filter((t) => t !== old), track];
    old?.stop();
    setPreview((p) => ({ ...p, [kind]: track }));
  }, []);

  return { preview, acquire, release, handOver, switchDevice };
}

/** A local track shown in a <video>, mirrored like a mirror. */
export function LocalPreviewVideo({ track, className }: { track?: MediaStreamTrack; className?: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !track) return;
    el.srcObject = new MediaStream([track]);
    return () => {
      el.srcObject = null;
    };
  }, [track]);
  return (
    <video
      ref={ref}
      data-testid="local-video"
      className={cn("-scale-x-100", className)}
      muted
      playsInline
      autoPlay
      aria-label="Your camera preview"
    />
  );
}

function DeviceSelect({
  kind,
  track,
  onSwitch,
}: {
  kind: "videoinput" | "audioinput";
  track?: MediaStreamTrack;
  onSwitch?: (deviceId: string) => void;
}) {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [current, setCurrent] = useState<string>("");
  useEffect(() => {
    if (!track) return;
    let live = true;
    void navigator.mediaDevices.enumerateDevices().then((all) => {
      if (!live) return;
      setDevices(all.filter((d) => d.kind === kind && d.deviceId));
      setCurrent(track.getSettings().deviceId ?? "");
    });
    return () => {
      live = false;
    };
  }, [kind, track]);
  if (!track || !onSwitch || devices.length < 2) return null;
  const label = kind === "videoinput" ? "Camera" : "Microphone";
  return (
    <label className="block text-sm">
      <span className="text-slate-300">{label}</span>
      <select
        className="mt-1 block w-full rounded-md border border-slate-600 bg-slate-900 px-2 py-1.5 text-slate-100"
        value={current}
        onChange={(e) => {
          setCurrent(e.target.value);
          onSwitch(e.target.value);
        }}
      >
        {devices.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || `${label} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A performance mark set when the room starts loading the call's code on its own (idle after the device check). */
export const CALL_PRELOAD_MARK = "call-code-preload";

export function PreJoin({
  preview,
  onRetry,
  onSwitchDevice,
  onJoin,
  onJoinIntent,
  error,
  otherName,
}: {
  preview: Preview;
  onRetry: () => void;
  /** Another camera or microphone chosen (the choice is offered only when this is given). */
  onSwitchDevice?: (kind: "video" | "audio", deviceId: string) => void;
  onJoin: () => void;
  /**
   * A good moment to start loading what the call needs: the device check is done and the browser is idle,
   * or the pointer is over Join, or it has focus (loading twice is loading once).
   */
  onJoinIntent?: () => void;
  error: string | null;
  otherName: string;
}) {
  const [browser, setBrowser] = useState<ReturnType<typeof detectBrowser>>("other");
  useEffect(() => setBrowser(detectBrowser(navigator.userAgent)), []);
  // Once the device check is done the page has nothing else to load: the call's code comes next, when the
  // browser is idle, so that pressing Join waits for the token and the connection only (bench:join).
  const ready = preview.state === "ready";
  useEffect(() => {
    if (!ready || !onJoinIntent) return;
    // The mark lets bench:pages tell the pre-join screen's scripts from the call's, loaded after it.
    const preload = () => {
      performance.mark(CALL_PRELOAD_MARK);
      onJoinIntent();
    };
    if (typeof requestIdleCallback === "function") {
      const id = requestIdleCallback(preload, { timeout: 2000 });
      return () => cancelIdleCallback(id);
    }
    const t = setTimeout(preload, 200);
    return () => clearTimeout(t);
  }, [ready, onJoinIntent]);
  const byKind = new Map<DeviceErrorKind, DeviceKind[]>();
  for (const p of preview.problems) byKind.set(p.error, [...(byKind.get(p.error) ?? []), p.device]);
  const asking = preview.state === "asking";
  const cameraOk = !!preview.video;
  const micOk = !!preview.audio;

  return (
    <div className="grid gap-6 md:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <div className="relative aspect-video overflow-hidden rounded-xl bg-black">
        {cameraOk ? (
          <LocalPreviewVideo track={preview.video} className="h-full w-full object-cover" />
        ) : (
          <div className="flex h-full items-center justify-center p-6 text-center text-white/80">
            {asking
              ? "Starting your camera… If your browser asks, choose Allow."
              : "No camera picture: see what to do beside this."}
          </div>
        )}
      </div>
      <div className="space-y-4">
        <h2 className="text-lg font-semibold">Check your camera and microphone</h2>
        <p className="text-sm text-slate-300">Only you see this preview. {otherName} sees you once you press Join.</p>
        <ul className="space-y-1 text-sm" aria-live="polite">
          <li>
            Camera:{" "}
            <span className={cameraOk ? "text-green-300" : "text-amber-300"}>
              {asking ? "checking…" : cameraOk ? "working" : "not available"}
            </span>
          </li>
          <li>
            Microphone:{" "}
            <span className={micOk ? "text-green-300" : "text-amber-300"}>
              {asking ? "checking…" : micOk ? "working" : "not available"}
            </span>
          </li>
        </ul>
        <DeviceSelect
          kind="videoinput"
          track={preview.video}
          onSwitch={onSwitchDevice && ((id) => onSwitchDevice("video", id))}
        />
        <DeviceSelect
          kind="audioinput"
          track={preview.audio}
          onSwitch={onSwitchDevice && ((id) => onSwitchDevice("audio", id))}
        />
        {[...byKind].map(([kind, devices]) => {
          const help = deviceHelp(kind, devices, browser);
          return (
            <div
              key={kind}
              role="alert"
              data-testid="device-help"
              data-error={kind}
              className="rounded-lg border border-amber-400/40 bg-amber-950/60 p-3 text-sm text-amber-100"
            >
              <p className="font-semibold">{help.title}</p>
              <ol className="mt-1 list-decimal space-y-1 pl-5">
                {help.steps.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ol>
            </div>
          );
        })}
        {error ? (
          <p role="alert" data-testid="join-error" className="rounded-lg bg-red-950/70 p-3 text-sm text-red-100">
            {error}
          </p>
        ) : null}
        <div className="flex flex-wrap gap-3">
          <button
            type="button"
            data-testid="join"
            onClick={onJoin}
            onPointerEnter={onJoinIntent}
            onFocus={onJoinIntent}
            disabled={asking}
            className="rounded-md bg-brand px-5 py-2 font-semibold text-on-brand hover:opacity-90 disabled:cursor-not-allowed disabled:opacity-50"
          >
            Join
          </button>
          {preview.problems.length ? (
            <button
              type="button"
              onClick={onRetry}
              className="rounded-md border border-slate-500 px-4 py-2 text-sm font-medium hover:bg-slate-800"
            >
              Try again
            </button>
          ) : null}
        </div>
        {!asking && (!cameraOk || !micOk) ? (
          <p className="text-xs text-slate-400">
            You can still join: you will join{" "}
            {!cameraOk && !micOk ? "without camera and microphone" : !cameraOk ? "with your camera off" : "muted"}.
          </p>
        ) : null}
      </div>
    </div>
  );
}
