import Link from "next/link";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { cn } from "@/lib/cn";
import { formatMoney } from "@/lib/money";
import { verdictLabels } from "@/lib/recordings/rules/completeness";
import type { SupportStory } from "@/lib/support/queries";
import { pathText, type ConnectionView, type ParticipantStory, type Tone } from "@/lib/support/story";
import type { TraceSourceName } from "@/lib/trace/events";

/** Support reads times to the millisecond against logs, which are in UTC. */
const clock = (d: Date | null) => (d ? d.toISOString().slice(11, 23) : "—");
const day = (d: Date) => d.toISOString().slice(0, 10);

const sourceStyle: Record<TraceSourceName, string> = {
  app: "bg-slate-100 text-slate-700",
  stripe: "bg-indigo-100 text-indigo-800",
  livekit: "bg-sky-100 text-sky-800",
  client: "bg-amber-100 text-amber-900",
};
const sourceName: Record<TraceSourceName, string> = {
  app: "app",
  stripe: "Stripe",
  livekit: "LiveKit",
  client: "browser",
};
const verdictStyle: Record<Tone, string> = {
  good: "border-green-200 bg-green-50 text-green-900",
  warn: "border-amber-200 bg-amber-50 text-amber-900",
  bad: "border-red-200 bg-red-50 text-red-900",
  neutral: "border-slate-200 bg-slate-50 text-slate-800",
};

/**
 * One session's whole story for support (a private booking, or one ticket of a show): who paid, each
 * side's verdict and connections, one timeline, recordings and refunds.
 */
export function SessionStoryView({ view, crumbs }: { view: SupportStory; crumbs: React.ReactNode }) {
  const { subject: s, viewer, creator, room, story } = view;
  const paid = s.payments.find((p) => p.paidAt) ?? s.payments.at(-1);
  const refunds = s.payments.flatMap((p) => p.refunds.map((r) => ({ ...r, currency: p.currency })));
  const emails = { viewer: viewer.email, creator: creator.email };
  const nameOf = (id: string | null) =>
    id === viewer.id ? viewer.name : id === creator.userId ? creator.name : (id ?? "someone");

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="text-sm">{crumbs}</p>
          <h1 className="text-2xl font-bold">{s.title}</h1>
          <p className="text-slate-600">
            {viewer.name} with {creator.name} · <LocalTime iso={s.startsAt.toISOString()} /> · {s.durationMinutes}{" "}
            minutes
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <Badge tone={s.status === "confirmed" ? "good" : s.status === "disputed" ? "bad" : "neutral"}>
            <span data-testid="session-status">{s.status.replace("_", " ")}</span>
          </Badge>
          <Link
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
            href={s.href}
          >
            {s.kind === "ticket" ? "The show" : "Booking and refund"}
          </Link>
        </div>
      </div>

      <Card title="Session">
        <dl
          className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[11rem_minmax(0,1fr)]"
          data-testid="session-header"
        >
          <dt className="font-medium">{s.kind === "ticket" ? "Ticket" : "Booking"}</dt>
          <dd className="break-all font-mono text-xs">{s.id}</dd>
          <dt className="font-medium">Who paid</dt>
          <dd data-testid="who-paid">
            {paid ? (
              <>
                {paid.payer.name} ({paid.payer.email}) · {formatMoney(paid.amountCents, paid.currency)} ·{" "}
                {paid.status.replace("_", " ")}
                {paid.paidAt ? (
                  <>
                    {" "}
                    · <LocalTime iso={paid.paidAt.toISOString()} />
                  </>
                ) : null}
              </>
            ) : (
              "No payment"
            )}
          </dd>
          {paid?.stripeCheckoutSessionId ? (
            <>
              <dt className="font-medium">Stripe checkout</dt>
              <dd className="break-all font-mono text-xs">{paid.stripeCheckoutSessionId}</dd>
            </>
          ) : null}
          {paid?.stripePaymentIntentId ? (
            <>
              <dt className="font-medium">Payment intent</dt>
              <dd className="break-all font-mono text-xs">{paid.stripePaymentIntentId}</dd>
            </>
          ) : null}
          {paid?.reviewReason ? (
            <>
              <dt className="font-medium">Needs review</dt>
              <dd className="text-red-700">{paid.reviewReason}</dd>
            </>
          ) : null}
          <dt className="font-medium">Viewer</dt>
          <dd className="break-all">
            {viewer.name} · {viewer.email}
          </dd>
          <dt className="font-medium">Creator</dt>
          <dd className="break-all">
            {creator.name} · {creator.email}
          </dd>
          <dt className="font-medium">Room</dt>
          <dd className="break-all">
            {room ? (
              <>
                <span className="font-mono text-xs">{room.roomName}</span>
                {room.livekitRoomSid ? (
                  <>
                    {" "}
                    · <span className="font-mono text-xs">{room.livekitRoomSid}</span>
                  </>
                ) : null}{" "}
                · {room.status}
                {room.outcome ? ` · ${room.outcome.replaceAll("_", " ")}` : ""}
              </>
            ) : (
              "Never opened (no token was issued)"
            )}
          </dd>
          <dt className="font-medium">Trace</dt>
          <dd className="break-all font-mono text-xs">{s.traceId}</dd>
        </dl>
      </Card>

      <div className="grid grid-cols-1 gap-6">
        {story.participants.map((p) => (
          <ParticipantCard key={p.role} p={p} email={emails[p.role]} />
        ))}
      </div>

      <Card title="Timeline (UTC)">
        {story.timeline.length ? (
          <ol className="space-y-1 text-sm" data-testid="timeline">
            {story.timeline.map((e, i) => {
              const prev = story.timeline[i - 1];
              return (
                <li
                  key={e.key}
                  className="grid min-w-0 grid-cols-[auto_minmax(0,1fr)] items-baseline gap-x-2 border-b border-slate-100 pb-1 sm:grid-cols-[7.5rem_5rem_minmax(0,1fr)]"
                  data-testid="timeline-entry"
                >
                  <time dateTime={e.at.toISOString()} className="font-mono text-xs text-slate-500">
                    {!prev || day(prev.at) !== day(e.at) ? <span className="block">{day(e.at)}</span> : null}
                    {clock(e.at)}
                  </time>
                  <span className={cn("w-fit rounded px-1.5 py-0.5 text-xs font-medium", sourceStyle[e.source])}>
                    {sourceName[e.source]}
                  </span>
                  <span className="col-span-2 break-words sm:col-span-1">
                    {e.text}
                    {e.fromRecord ? <span className="text-xs text-slate-500"> (no trace event)</span> : null}
                  </span>
                </li>
              );
            })}
          </ol>
        ) : (
          <EmptyState title="Nothing recorded yet" />
        )}
      </Card>

      <Card title="Recordings">
        {view.recordingVerdict.verdict ? (
          <p className="mb-2 text-sm" data-testid="recording-verdict">
            Completeness: <strong>{verdictLabels[view.recordingVerdict.verdict]}</strong>
            {view.recordingVerdict.tracks
              .filter((t) => t.verdict !== "complete")
              .map((t) => ` · ${t.source} of ${nameOf(t.identity)}: ${Math.round(t.missingShare * 100)}% missing`)
              .join("")}
          </p>
        ) : null}
        {room?.recordings.length ? (
          <ul className="space-y-1 text-sm" data-testid="recordings">
            {room.recordings.map((r) => (
              <li key={r.id} className="break-words">
                <span className="font-mono text-xs">{r.egressId}</span> · {r.status}
                {r.source ? ` · ${r.source} of ${nameOf(r.identity)}` : ""}
                {r.startedAt ? ` · started ${clock(r.startedAt)} UTC` : ""}
                {r.durationMs !== null ? ` · ${(Number(r.durationMs) / 1000).toFixed(1)} s` : ""}
                {r.sizeBytes !== null ? ` · ${Math.max(1, Math.round(Number(r.sizeBytes) / 1024))} KB` : ""}
                {r.error ? ` · ${r.error}` : ""}
                {r.deletedAt ? " · deleted (retention)" : ""}
                {r.storageKey && !r.deletedAt ? (
                  <>
                    {" · "}
                    <Link className="underline" href={`/recordings/${r.id}`}>
                      Play
                    </Link>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-600" data-testid="recordings">
            No recording
          </p>
        )}
      </Card>

      <Card title="Refunds">
        {refunds.length ? (
          <ul className="space-y-1 text-sm" data-testid="refunds">
            {refunds.map((r) => (
              <li key={r.id} className="break-words">
                {formatMoney(r.amountCents, r.currency)} · {r.status} · {r.reason.replaceAll("_", " ")} ·{" "}
                <LocalTime iso={r.createdAt.toISOString()} />
                {r.stripeRefundId ? (
                  <span className="break-all font-mono text-xs text-slate-500"> · {r.stripeRefundId}</span>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-600" data-testid="refunds">
            No refunds.{" "}
            <Link className="text-brand underline" href={s.href}>
              {s.kind === "ticket" ? "Refund from the show's page" : "Refund from the booking page"}
            </Link>
            .
          </p>
        )}
      </Card>
    </div>
  );
}

function ParticipantCard({ p, email }: { p: ParticipantStory; email: string }) {
  const label = p.role === "viewer" ? "Viewer" : "Creator";
  return (
    <Card title={`${label}: ${p.name}`}>
      <p className="-mt-3 mb-3 break-all text-sm text-slate-500">{email}</p>
      <p
        className={cn("rounded-md border px-3 py-2 font-medium", verdictStyle[p.tone])}
        data-testid={`verdict-${p.role}`}
      >
        <span className="font-normal">Verdict: </span>
        {p.verdict}
      </p>
      {p.deviceErrors.length ? (
        <ul className="mt-3 space-y-1 text-sm text-slate-700" data-testid={`device-errors-${p.role}`}>
          {p.deviceErrors.map((d) => (
            <li key={`${d.at.getTime()}-${d.device}-${d.error}`}>
              {clock(d.at)} UTC · {d.device}: {d.error.replace("_", " ")}
            </li>
          ))}
        </ul>
      ) : null}
      {p.connections.length ? (
        <div className="-mx-5 mt-4 overflow-x-auto px-5">
          <table className="w-full min-w-[52rem] text-left text-sm" data-testid={`connections-${p.role}`}>
            <caption className="sr-only">{label}&apos;s connection attempts (times in UTC)</caption>
            <thead className="border-b border-slate-200 text-slate-600">
              <tr>
                <th className="py-2 pr-3 font-medium">#</th>
                <th className="py-2 pr-3 font-medium">Attempt</th>
                <th className="py-2 pr-3 font-medium">Policy</th>
                <th className="py-2 pr-3 font-medium">Token at</th>
                <th className="py-2 pr-3 font-medium">Joined at</th>
                <th className="py-2 pr-3 font-medium">Path (local)</th>
                <th className="py-2 pr-3 font-medium">Remote</th>
                <th className="py-2 pr-3 font-medium">First media</th>
                <th className="py-2 pr-3 font-medium">Left at</th>
                <th className="py-2 font-medium">Disconnect / failure</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {p.connections.map((c) => (
                <ConnectionRow key={c.seq} c={c} />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="mt-3 text-sm text-slate-600">No connection attempts.</p>
      )}
    </Card>
  );
}

function ConnectionRow({ c }: { c: ConnectionView }) {
  const path = pathText(c);
  const ending = [
    c.disconnectReason,
    c.failure
      ? `failed: ${c.failure}${c.failedAfterMs !== null ? ` after ${(c.failedAfterMs / 1000).toFixed(1)} s` : ""}`
      : null,
    c.reconnects ? `${c.reconnects} reconnect${c.reconnects === 1 ? "" : "s"}` : null,
  ].filter(Boolean);
  return (
    <tr data-testid="connection">
      <td className="py-2 pr-3 align-top">{c.seq}</td>
      <td className="py-2 pr-3 align-top">{c.attempt ?? "—"}</td>
      <td className="py-2 pr-3 align-top">
        {c.policy === "relay" ? "relay only" : c.policy === "all" ? "direct first" : "—"}
      </td>
      <td className="py-2 pr-3 align-top font-mono text-xs">{clock(c.tokenAt)}</td>
      <td className="py-2 pr-3 align-top font-mono text-xs">{clock(c.joinedAt)}</td>
      <td className="py-2 pr-3 align-top" data-testid="connection-path">
        {path ?? "—"}
        {c.relayUrl ? <span className="block break-all text-xs text-slate-500">{c.relayUrl}</span> : null}
      </td>
      <td className="py-2 pr-3 align-top">{c.remoteCandidateType ?? "—"}</td>
      <td className="py-2 pr-3 align-top" data-testid="connection-first-media">
        {c.firstMediaMs !== null ? `${c.firstMediaMs} ms` : "—"}
      </td>
      <td className="py-2 pr-3 align-top font-mono text-xs">{clock(c.leftAt)}</td>
      <td className="py-2 align-top">{ending.length ? ending.join(" · ") : "—"}</td>
    </tr>
  );
}
