import type { Metadata } from "next";
import Link from "next/link";
import { Card, EmptyState } from "@/components/ui/card";
import { requirePageRole } from "@/lib/auth/session";
import { listRecordings } from "@/lib/recordings/queries";

export const metadata: Metadata = { title: "Recordings" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
const input = "rounded-md border border-slate-300 px-3 py-2 text-sm";

// GET /admin/recordings?creator=&from=&to=&status=&reported=1 – recordings for review, newest first.
export default async function AdminRecordingsPage({ searchParams }: Props) {
  const admin = await requirePageRole("/admin/recordings", "admin");
  const sp = await searchParams;
  const filters = {
    creator: first(sp.creator),
    from: first(sp.from),
    to: first(sp.to),
    status: first(sp.status),
    reported: first(sp.reported),
  };
  const rows = await listRecordings(admin, filters);
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link className="text-brand underline" href="/admin">
            Admin
          </Link>{" "}
          / Recordings
        </p>
        <h1 className="text-2xl font-bold">Recordings</h1>
      </div>
      <Card>
        <search>
          <form className="flex flex-wrap items-end gap-3" action="/admin/recordings">
            <label className="text-sm">
              Creator
              <input name="creator" defaultValue={filters.creator} maxLength={100} className={`${input} block`} />
            </label>
            <label className="text-sm">
              From
              <input type="date" name="from" defaultValue={filters.from} className={`${input} block`} />
            </label>
            <label className="text-sm">
              To
              <input type="date" name="to" defaultValue={filters.to} className={`${input} block`} />
            </label>
            <label className="text-sm">
              Status
              <select name="status" defaultValue={filters.status ?? ""} className={`${input} block`}>
                <option value="">Any</option>
                {["complete", "active", "ending", "failed", "aborted"].map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </label>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="reported" value="1" defaultChecked={filters.reported === "1"} />
              Reported only
            </label>
            <button type="submit" className="rounded-md bg-brand px-4 py-2 text-sm font-semibold text-on-brand">
              Filter
            </button>
          </form>
        </search>
      </Card>
      <Card title={`${rows.length} recording${rows.length === 1 ? "" : "s"}`}>
        {rows.length ? (
          <ul className="divide-y divide-slate-200 text-sm" data-testid="recording-list">
            {rows.map((r) => (
              <li key={r.id} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-2">
                <span className="font-medium">{r.title}</span>
                <span>
                  {r.source ?? "track"} of {r.whose} · creator {r.creatorName}
                </span>
                <span className="text-slate-600">
                  {r.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC · {r.status}
                  {r.durationMs !== null ? ` · ${(Number(r.durationMs) / 1000).toFixed(1)} s` : ""}
                  {r.deletedAt ? " · deleted (retention)" : ""}
                </span>
                {r.storageKey && !r.deletedAt ? (
                  <Link className="underline" href={`/recordings/${r.id}`}>
                    Play
                  </Link>
                ) : null}
                <Link className="underline" href={`/admin/sessions/${r.bookingId}`}>
                  Session
                </Link>
                {r.reports.map((rep) =>
                  rep.at !== null && r.storageKey && !r.deletedAt ? (
                    <Link key={rep.id} className="underline" href={`/recordings/${r.id}?t=${rep.at}`}>
                      Report ({rep.reason}, {rep.status}) at {rep.at} s
                    </Link>
                  ) : (
                    <span key={rep.id}>
                      Report ({rep.reason}, {rep.status})
                    </span>
                  ),
                )}
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState title="No recordings match" />
        )}
      </Card>
    </div>
  );
}
