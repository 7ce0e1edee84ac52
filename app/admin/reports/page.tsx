import type { Metadata } from "next";
import Link from "next/link";
import { ReportDecision } from "@/components/moderation/report-decision";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { requirePageRole } from "@/lib/auth/session";
import { getReportQueue } from "@/lib/moderation/queries";
import { reportReasons, type ReportAction, type ReportReason } from "@/lib/moderation/schemas";

export const metadata: Metadata = { title: "Reports" };
export const dynamic = "force-dynamic";

type Queue = Awaited<ReturnType<typeof getReportQueue>>;
type Item = Queue["open"][number];

const contextLabel: Record<string, string> = {
  room: "the private room",
  booking: "the booking page",
  profile: "the profile",
  show_room: "the show's room",
  chat: "the show's chat",
};

const reasonLabel = (r: string) => (Object.hasOwn(reportReasons, r) ? reportReasons[r as ReportReason] : r);

function History({ who, h }: { who: string; h: Item["subjectHistory"] }) {
  return (
    <p className="text-xs text-slate-600">
      {who}: {h.reportsReceived} report{h.reportsReceived === 1 ? "" : "s"} received ({h.openReports} open),{" "}
      {h.reportsFiled} filed
      {h.lastActions.length
        ? `; last actions: ${h.lastActions.map((a) => a.type.replaceAll("_", " ")).join(", ")}`
        : "; no moderation actions"}
    </p>
  );
}

function actionsFor(r: Item): ReportAction[] {
  const out: ReportAction[] = ["dismiss", "warn"];
  if (r.roomSessionId) out.push("remove_from_room");
  out.push("suspend");
  if (r.subject.role === "creator") out.push("unpublish");
  if (r.bookingId && r.context !== "profile") out.push("refund");
  return out;
}

function ReportItem({ r, open }: { r: Item; open: boolean }) {
  return (
    <li className="space-y-2 rounded-lg border border-slate-200 p-4" data-testid="report">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="font-medium">
          {reasonLabel(r.reason)}: {r.subject.name}{" "}
          <span className="font-normal text-slate-500">
            ({r.subject.email}, {r.subject.role})
          </span>
        </p>
        <Badge tone={r.status === "open" ? "warn" : r.status === "actioned" ? "bad" : "neutral"}>{r.status}</Badge>
      </div>
      <p className="text-sm text-slate-700">
        Reported by {r.reporter.name} ({r.reporter.email}) from {contextLabel[r.context] ?? r.context},{" "}
        <LocalTime iso={r.createdAt.toISOString()} />
        {r.offsetSeconds !== null
          ? `, ${Math.floor(r.offsetSeconds / 60)} min ${r.offsetSeconds % 60} s into the session`
          : ""}
        .
      </p>
      {r.chatMessageText !== null ? (
        <figure className="rounded border-l-4 border-amber-400 bg-amber-50 p-2 text-sm" data-testid="reported-message">
          <figcaption className="text-xs text-slate-600">
            Chat message by {r.subject.name}, as it was when reported:
          </figcaption>
          <blockquote className="whitespace-pre-wrap">{r.chatMessageText}</blockquote>
        </figure>
      ) : null}
      {r.details ? <p className="whitespace-pre-wrap rounded bg-slate-50 p-2 text-sm">{r.details}</p> : null}
      {r.bookingId ? (
        <p className="text-sm">
          <Link className="underline" href={`/admin/sessions/${r.bookingId}`}>
            Session story (timeline, verdicts, payment)
          </Link>
        </p>
      ) : null}
      {r.groupEventId ? (
        <p className="text-sm">
          <Link className="underline" href={`/admin/shows/${r.groupEventId}`}>
            Show story (timeline, people in the room, chat)
          </Link>
        </p>
      ) : null}
      <History who="Reported person" h={r.subjectHistory} />
      <History who="Reporter" h={r.reporterHistory} />
      {open ? (
        <ReportDecision reportId={r.id} available={actionsFor(r)} />
      ) : (
        <p className="text-sm text-slate-600">
          {r.resolvedBy?.email ?? "An admin"}: “{r.resolution}”
        </p>
      )}
    </li>
  );
}

// /admin/reports – the moderation queue (admins only): open reports, most-reported people first, then the latest handled
export default async function ReportsPage() {
  const admin = await requirePageRole("/admin/reports", "admin");
  const queue = await getReportQueue(admin);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-bold">Reports</h1>
        <Link href="/admin/audit" className="text-sm underline">
          Audit log
        </Link>
      </div>
      <Card title={`Open (${queue.open.length})`}>
        {queue.open.length ? (
          <ul className="space-y-4">
            {queue.open.map((r) => (
              <ReportItem key={r.id} r={r} open />
            ))}
          </ul>
        ) : (
          <EmptyState title="No open reports" />
        )}
      </Card>
      <Card title="Recently handled">
        {queue.handled.length ? (
          <ul className="space-y-4">
            {queue.handled.map((r) => (
              <ReportItem key={r.id} r={r} open={false} />
            ))}
          </ul>
        ) : (
          <EmptyState title="Nothing handled yet" />
        )}
      </Card>
    </div>
  );
}
