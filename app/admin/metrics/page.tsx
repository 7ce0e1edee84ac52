import type { Metadata } from "next";
import Link from "next/link";
import { ZodError } from "zod";
import { Card, EmptyState } from "@/components/ui/card";
import { requirePageRole } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { cn } from "@/lib/cn";
import { formatMetric } from "@/lib/support/metrics";
import { getSessionMetrics } from "@/lib/support/queries";

export const metadata: Metadata = { title: "Session metrics" };
export const dynamic = "force-dynamic";

type Props = {
  searchParams: Promise<{ from?: string | string[]; to?: string | string[]; brand?: string | string[] }>;
};
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || undefined;

const causes = [
  ["signaling", "Signaling", "never reached the server"],
  ["ice", "ICE / relay", "reached the server, but no media path worked"],
  ["permission", "Device permission", "camera or microphone refused, missing or busy"],
  ["other", "Other", "left after reaching the server, before a media path"],
] as const;

// GET /admin/metrics?from=&to=&brand= – session quality over a period, each metric beside its threshold; breaches
// in red. A brand's admin sees their brand's sessions; a platform admin every brand's, or one brand's (`brand`).
export default async function AdminMetricsPage({ searchParams }: Props) {
  const admin = await requirePageRole("/admin/metrics", "admin");
  const sp = await searchParams;
  const asked = { from: one(sp.from), to: one(sp.to), brand: one(sp.brand) };
  let result: Awaited<ReturnType<typeof getSessionMetrics>> | null = null;
  let problem: string | null = null;
  try {
    result = await getSessionMetrics(admin, asked);
  } catch (err) {
    if (err instanceof ZodError) problem = "Dates must look like 2026-03-29. Pick them with the date fields.";
    else if (err instanceof AppError && err.code === "invalid") problem = err.message;
    else throw err;
  }
  const m = result?.metrics;

  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link className="text-brand underline" href="/admin">
            Admin
          </Link>{" "}
          / Metrics
        </p>
        <h1 className="text-2xl font-bold">Session metrics</h1>
        <p className="text-slate-600">Computed from the session trace; days in UTC, both ends included.</p>
      </div>

      <Card>
        <form className="flex flex-wrap items-end gap-3" action="/admin/metrics">
          <label className="flex flex-col text-sm font-medium">
            From
            <input
              type="date"
              name="from"
              defaultValue={result?.period.from ?? asked.from}
              className="mt-1 rounded-md border border-slate-300 px-3 py-2 font-normal"
            />
          </label>
          <label className="flex flex-col text-sm font-medium">
            To
            <input
              type="date"
              name="to"
              defaultValue={result?.period.to ?? asked.to}
              className="mt-1 rounded-md border border-slate-300 px-3 py-2 font-normal"
            />
          </label>
          {result?.brand.brands ? (
            <label className="flex flex-col text-sm font-medium">
              Brand
              <select
                name="brand"
                defaultValue={result.brand.slug ?? ""}
                data-testid="metrics-brand"
                className="mt-1 rounded-md border border-slate-300 px-3 py-2 font-normal"
              >
                <option value="">Every brand</option>
                {result.brand.brands.map((b) => (
                  <option key={b.id} value={b.slug}>
                    {b.slug}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <button
            type="submit"
            className="rounded-md bg-brand px-4 py-2 text-sm font-semibold text-on-brand hover:opacity-90"
          >
            Show
          </button>
        </form>
      </Card>

      {problem ? (
        <p role="alert" className="rounded-md bg-amber-50 px-4 py-3 text-amber-900" data-testid="period-problem">
          {problem}
        </p>
      ) : null}

      {result && m ? (
        <>
          <p className="text-sm text-slate-600" data-testid="metrics-counts">
            {result.period.from} to {result.period.to}: {m.joins} join{m.joins === 1 ? "" : "s"}, {m.successes}{" "}
            connected, {m.failures} failed
            {m.joins ? ` (${m.joinsWithToken} got a token)` : ""}.
          </p>
          {m.joins === 0 ? (
            <EmptyState title="No joins in this period">
              Nobody pressed Join between these dates, so there is nothing to measure. Pick a wider period.
            </EmptyState>
          ) : null}
          <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="metrics">
            {result.evaluations.map((e) => (
              <li
                key={e.key}
                data-testid={`metric-${e.key}`}
                data-breached={e.breached ? "true" : "false"}
                className={cn(
                  "rounded-xl border bg-white p-4 shadow-sm",
                  e.breached ? "border-red-300 bg-red-50" : "border-slate-200",
                )}
              >
                <p className="text-sm font-medium text-slate-600">{e.label}</p>
                <p
                  className={cn(
                    "mt-1 text-2xl font-bold",
                    e.breached ? "text-red-700" : e.value === null ? "text-slate-500" : "text-slate-900",
                  )}
                >
                  {e.display}
                </p>
                <p className="mt-1 text-xs text-slate-600">Threshold: {e.thresholdDisplay}</p>
                {e.breached ? (
                  <p className="mt-1 text-sm font-semibold text-red-700">
                    {e.kind === "min" ? "below threshold" : "above threshold"}
                  </p>
                ) : e.value !== null ? (
                  <p className="mt-1 text-sm text-green-800">within threshold</p>
                ) : null}
                {e.value !== null ? <p className="mt-2 text-xs text-slate-600">{explain(e.key, m)}</p> : null}
              </li>
            ))}
          </ul>
          <Card title="Recording completeness">
            <div
              data-testid="metric-recordingCompleteness"
              data-breached={result.recording.breached ? "true" : "false"}
              className={cn("text-sm", result.recording.breached ? "text-red-700" : "text-slate-800")}
            >
              <p className="text-2xl font-bold">{formatMetric(result.recording.share, "ratio")}</p>
              <p>
                {result.recording.complete} of {result.recording.tracks} recorded track
                {result.recording.tracks === 1 ? "" : "s"} complete in {result.recording.rooms} room
                {result.recording.rooms === 1 ? "" : "s"} · threshold: at least{" "}
                {formatMetric(result.recording.threshold, "ratio")}
                {result.recording.breached ? " · below threshold" : ""}
              </p>
              {result.recording.alerts.length ? (
                <ul className="mt-2 list-disc pl-5">
                  {result.recording.alerts.map((a) => (
                    <li key={`${a.roomSessionId}-${a.track}`}>
                      <Link className="underline" href={`/admin/sessions/${a.bookingId}`}>
                        {a.verdict}
                      </Link>
                      : {a.track}, {Math.round(a.missingShare * 100)}% not recorded
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          </Card>
          <Card title="Private sessions and group shows">
            <div className="-mx-5 overflow-x-auto px-5">
              <table className="w-full min-w-[36rem] text-left text-sm" data-testid="metrics-by-kind">
                <thead className="border-b border-slate-200 text-slate-600">
                  <tr>
                    <th className="py-2 pr-3 font-medium">Rooms</th>
                    <th className="py-2 pr-3 font-medium">Joins</th>
                    <th className="py-2 pr-3 font-medium">Setup success</th>
                    <th className="py-2 pr-3 font-medium">Relay share</th>
                    <th className="py-2 pr-3 font-medium">Retry rate</th>
                    <th className="py-2 font-medium">Join to first media p50 / p95</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {(
                    [
                      ["private", "Private 1:1 sessions"],
                      ["group", "Group shows (per participant)"],
                    ] as const
                  ).map(([key, label]) => {
                    const k = result.byRoomKind[key];
                    return (
                      <tr key={key} data-testid={`metrics-${key}`}>
                        <td className="py-2 pr-3 font-medium">{label}</td>
                        <td className="py-2 pr-3">{k.joins}</td>
                        <td className="py-2 pr-3">{formatMetric(k.setupSuccessRate, "ratio")}</td>
                        <td className="py-2 pr-3">{formatMetric(k.relayShare, "ratio")}</td>
                        <td className="py-2 pr-3">{formatMetric(k.retryRate, "ratio")}</td>
                        <td className="py-2">
                          {formatMetric(k.joinToFirstMediaP50Ms, "ms")} / {formatMetric(k.joinToFirstMediaP95Ms, "ms")}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </Card>
          <Card title="Failures by cause">
            <div className="-mx-5 overflow-x-auto px-5">
              <table className="w-full min-w-[20rem] text-left text-sm" data-testid="failures-by-cause">
                <thead className="border-b border-slate-200 text-slate-600">
                  <tr>
                    <th className="py-2 pr-3 font-medium">Cause</th>
                    <th className="py-2 pr-3 font-medium">Failed joins</th>
                    <th className="py-2 font-medium">Meaning</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {causes.map(([key, label, meaning]) => (
                    <tr key={key} data-testid={`cause-${key}`}>
                      <td className="py-2 pr-3 font-medium">{label}</td>
                      <td className="py-2 pr-3">{m.failuresByCause[key]}</td>
                      <td className="py-2 text-slate-600">{meaning}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
        </>
      ) : null}
    </div>
  );
}

function explain(key: string, m: NonNullable<Awaited<ReturnType<typeof getSessionMetrics>>["metrics"]>) {
  switch (key) {
    case "setupSuccessRate":
      return `${m.successes} of ${m.joins} joins reached a media path.`;
    case "relayShare":
      return `${m.relayedJoins} of ${m.successes} connected joins went through a TURN relay.`;
    case "retryRate":
      return `${m.retriedJoins} of ${m.joinsWithToken} joins with a token needed the relay retry.`;
    default:
      return `From the first video frame of ${m.firstMediaSamples} join${m.firstMediaSamples === 1 ? "" : "s"}.`;
  }
}
