import type { Metadata } from "next";
import Link from "next/link";
import { Card, EmptyState } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { auditActions } from "@/lib/audit/events";
import { listAudit } from "@/lib/audit/queries";
import { requirePageRole } from "@/lib/auth/session";
import { describeError } from "@/lib/errors";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const input = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm";

// /admin/audit – every admin and moderation decision, newest first, filtered by actor, subject, action and dates; CSV export
export default async function AuditPage({ searchParams }: Props) {
  const admin = await requirePageRole("/admin/audit", "admin");
  const sp = await searchParams;
  const filter: Record<string, string> = {};
  for (const k of ["actor", "subject", "action", "from", "to"]) {
    const v = sp[k];
    if (typeof v === "string" && v) filter[k] = v;
  }
  let rows: Awaited<ReturnType<typeof listAudit>> = [];
  let problem: string | null = null;
  try {
    rows = await listAudit(admin, filter);
  } catch (err) {
    const known = describeError(err);
    if (!known) throw err;
    problem = known.message;
  }
  const query = new URLSearchParams(filter).toString();
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-bold">Audit log</h1>
        <Link href="/admin/reports" className="text-sm underline">
          Reports
        </Link>
      </div>
      <form method="get" aria-label="Filter the audit log" className="grid gap-3 sm:grid-cols-5">
        <label className="text-sm font-medium">
          Actor (email or id)
          <input name="actor" defaultValue={filter.actor} className={input} />
        </label>
        <label className="text-sm font-medium">
          Subject (email or id)
          <input name="subject" defaultValue={filter.subject} className={input} />
        </label>
        <label className="text-sm font-medium">
          Action
          <select name="action" defaultValue={filter.action ?? ""} className={input}>
            <option value="">Any</option>
            {Object.entries(auditActions).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm font-medium">
          From
          <input type="date" name="from" defaultValue={filter.from} className={input} />
        </label>
        <label className="text-sm font-medium">
          To
          <input type="date" name="to" defaultValue={filter.to} className={input} />
        </label>
        <div className="flex gap-3 sm:col-span-5">
          <button type="submit" className="rounded-md bg-brand px-4 py-2 text-sm font-semibold text-on-brand">
            Filter
          </button>
          <a href={`/admin/audit/export${query ? `?${query}` : ""}`} className="self-center text-sm underline">
            Download as CSV
          </a>
        </div>
      </form>
      {problem ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {problem}
        </p>
      ) : null}
      <Card title={`Entries (${rows.length}${rows.length === 200 ? ", newest 200" : ""})`}>
        {rows.length ? (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="audit-table">
              <thead>
                <tr className="border-b border-slate-200">
                  <th className="py-2 pr-3">When</th>
                  <th className="py-2 pr-3">Who</th>
                  <th className="py-2 pr-3">What</th>
                  <th className="py-2 pr-3">About</th>
                  <th className="py-2">Why</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} className="border-b border-slate-100 align-top">
                    <td className="py-2 pr-3">
                      <LocalTime iso={r.createdAt.toISOString()} />
                    </td>
                    <td className="py-2 pr-3">{r.actorEmail ?? "system"}</td>
                    <td className="py-2 pr-3">{r.label}</td>
                    <td className="py-2 pr-3">{r.subjectEmail ?? `${r.subjectType} ${r.subjectId}`}</td>
                    <td className="py-2">{r.reason ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <EmptyState title="No entries match" />
        )}
      </Card>
    </div>
  );
}
