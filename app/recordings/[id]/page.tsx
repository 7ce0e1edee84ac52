import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Card } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { openRecordingPlayer } from "@/lib/recordings/access";

export const metadata: Metadata = { title: "Recording" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ t?: string }> };

// GET /recordings/:id?t=<seconds> – one recording's player (admins; the session's creator; its viewer where
// the operator allows it), starting at t
// (a report's offset). The file streams through a short-lived signed link; opening this page is audit-logged.
export default async function RecordingPage({ params, searchParams }: Props) {
  const { id } = await params;
  const { t } = await searchParams;
  const user = await requirePageUser(`/recordings/${id}`);
  const view = await openRecordingPlayer(user, id).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const r = view.recording;
  const booking = r.roomSession.booking!;
  const start = Math.max(0, Math.floor(Number(t) || 0));
  const who = r.identity === booking.viewer.id ? booking.viewer.name : booking.creator.displayName;
  const isAudio = (r.contentType ?? "").startsWith("audio/");
  const src = view.playUrl ? `${view.playUrl}${start ? `#t=${start}` : ""}` : null;
  return (
    <div className="space-y-4">
      <p className="text-sm">
        {user.role === "admin" ? (
          <>
            <Link className="text-brand underline" href="/admin/recordings">
              Recordings
            </Link>{" "}
            /{" "}
            <Link className="text-brand underline" href={`/admin/sessions/${booking.id}`}>
              Session
            </Link>
          </>
        ) : user.id !== booking.creator.userId ? (
          <Link className="text-brand underline" href={`/bookings/${booking.id}`}>
            Booking
          </Link>
        ) : (
          <>
            <Link className="text-brand underline" href="/studio/recordings">
              Recordings
            </Link>{" "}
            /{" "}
            <Link className="text-brand underline" href={`/bookings/${booking.id}`}>
              Booking
            </Link>
          </>
        )}
      </p>
      <h1 className="text-2xl font-bold">
        {booking.offering.title}: {r.source ?? "track"} of {who}
      </h1>
      <Card title="Recording">
        {src ? (
          <div className="space-y-3">
            {isAudio ? (
              // biome-ignore lint/a11y/useMediaCaption: a session recording has no captions to offer
              <audio controls preload="metadata" src={src} data-testid="recording-player" className="w-full" />
            ) : (
              // biome-ignore lint/a11y/useMediaCaption: a session recording has no captions to offer
              <video
                controls
                preload="metadata"
                src={src}
                data-testid="recording-player"
                className="w-full max-w-3xl bg-black"
              />
            )}
            <p className="text-sm text-slate-600">
              {r.egressId} ·{" "}
              {r.durationMs !== null ? `${(Number(r.durationMs) / 1000).toFixed(1)} s` : "length unknown"}
              {start ? ` · from ${start} s` : ""} · links expire after 5 minutes (reload for a new one)
            </p>
            <a className="text-sm underline" href={view.downloadUrl!} data-testid="recording-download">
              Download
            </a>
          </div>
        ) : (
          <p className="text-sm text-slate-600" data-testid="recording-gone">
            {r.deletedAt
              ? "This recording was deleted when its retention period ended."
              : "The file is not stored yet."}
          </p>
        )}
      </Card>
    </div>
  );
}
