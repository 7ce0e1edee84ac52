import type { Metadata } from "next";
import Link from "next/link";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { requirePageRole } from "@/lib/auth/session";
import { recordingsForViewers } from "@/lib/recordings/access";
import { recordingAvailable } from "@/lib/recordings/notice";
import { listCreatorRecordings } from "@/lib/recordings/queries";

export const metadata: Metadata = { title: "Recordings" };
export const dynamic = "force-dynamic";

const tone = {
  starting: "warn",
  active: "warn",
  ending: "warn",
  complete: "good",
  failed: "bad",
  aborted: "neutral",
} as const;

// GET /studio/recordings – the creator's own sessions' recordings (lib/recordings/queries.ts checks the role).
export default async function StudioRecordingsPage() {
  const creator = await requirePageRole("/studio/recordings", "creator");
  const rows = await listCreatorRecordings(creator);
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link className="text-brand underline" href="/studio">
            Studio
          </Link>
        </p>
        <h1 className="text-2xl font-bold">Recordings</h1>
        <p className="text-slate-600">
          Your private sessions that were recorded, one file per camera or microphone.{" "}
          {recordingsForViewers()
            ? "You, each session's viewer and the platform's reviewers can open them"
            : "Only you and the platform's reviewers can open them"}
          ; every viewing is logged.
        </p>
      </div>
      {rows.length ? (
        <Card title="Your sessions' recordings">
          <ul className="divide-y divide-slate-100" data-testid="creator-recordings">
            {rows.map((r) => (
              <li
                key={r.id}
                className="flex flex-wrap items-center justify-between gap-3 py-3"
                data-testid="creator-recording"
              >
                <div>
                  <p className="font-medium">{`${r.title} with ${r.viewerName}`}</p>
                  <p className="text-sm text-slate-600">
                    <LocalTime iso={r.startsAt.toISOString()} />
                    {` · ${r.source ?? "track"} of ${r.whose}${r.durationMs !== null ? ` · ${Math.round(r.durationMs / 1000)} s` : ""}`}
                    {r.playable && r.retainUntil ? (
                      <>
                        {" "}
                        · kept until <LocalTime iso={r.retainUntil.toISOString()} />
                      </>
                    ) : null}
                  </p>
                </div>
                <div className="flex items-center gap-3 text-sm">
                  <Badge tone={tone[r.status]}>{r.status}</Badge>
                  {r.playable ? (
                    <Link className="font-medium text-brand underline" href={`/recordings/${r.id}`}>
                      Watch
                    </Link>
                  ) : (
                    <span className="text-slate-600">
                      {r.deleted ? "Deleted after its retention period" : "Not stored yet"}
                    </span>
                  )}
                </div>
              </li>
            ))}
          </ul>
        </Card>
      ) : (
        <EmptyState title="No recordings yet">
          {recordingAvailable()
            ? "Sessions are recorded when an offering is set to record, always or on request."
            : "This platform does not record sessions at the moment."}
        </EmptyState>
      )}
    </div>
  );
}
