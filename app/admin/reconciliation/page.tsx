import type { Metadata } from "next";
import Link from "next/link";
import { AlertDismiss } from "@/components/admin/alert-dismiss";
import { FindingResolve } from "@/components/admin/finding-resolve";
import { Card, EmptyState } from "@/components/ui/card";
import { requirePageRole } from "@/lib/auth/session";
import { RESOLUTION_WORDS, storyHref, stripePaymentHref } from "@/lib/payments/reconcile-rules";
import { getReconciliationPage } from "@/lib/payments/reconciliation";

export const metadata: Metadata = { title: "Reconciliation" };
export const dynamic = "force-dynamic";

const KIND_WORDS: Record<string, string> = {
  paid_in_stripe_not_in_booth: "Paid in Stripe, not in our ledger",
  booth_paid_not_in_stripe: "Paid in our ledger, not in Stripe",
  amount_differs: "Amounts differ",
  refund_missing_in_stripe: "Refund missing in Stripe",
  refund_differs: "Refund differs",
  paid_never_joined: "Paid, never joined",
  joined_without_purchase: "Joined without a paid purchase",
  recording_missing: "Recording missing",
};

const when = (d: Date) => d.toISOString().replace("T", " ").slice(0, 16);

type FindingRow = Awaited<ReturnType<typeof getReconciliationPage>>["open"][number];

/** The finding's links: the session story of its booking, ticket or show, and its payment at Stripe. */
function FindingLinks({ f, live }: { f: FindingRow; live: boolean }) {
  const story = storyHref(f);
  const payment = stripePaymentHref(f.paymentIntentId, live);
  return (
    <span className="flex flex-col gap-0.5">
      {story ? (
        <Link className="text-brand underline" href={story} data-testid="story-link">
          Session story
        </Link>
      ) : null}
      {payment ? (
        <a className="text-brand underline" href={payment} target="_blank" rel="noreferrer" data-testid="payment-link">
          Payment at Stripe
        </a>
      ) : null}
      {f.paymentId ? <span className="font-mono text-xs text-slate-500">{f.paymentId}</span> : null}
    </span>
  );
}

// GET /admin/reconciliation – the ledger against Stripe and sessions against their rooms: the latest runs, the
// findings still open (each with its story, its payment and what one click can do), the resolved ones, open alerts.
export default async function ReconciliationPage() {
  const admin = await requirePageRole("/admin/reconciliation", "admin");
  const { runs, alerts, open, openCount, resolved, liveMode, platformWide } = await getReconciliationPage(admin);
  const latest = runs[0];

  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link className="text-brand underline" href="/admin">
            Admin
          </Link>{" "}
          / Reconciliation
        </p>
        <h1 className="text-2xl font-bold">Reconciliation</h1>
        <p className="text-slate-600">
          Every night (from 03:00 UTC) the platform compares the payments and refunds of the last 35 days with Stripe,
          and the paid sessions of those days with what happened in their rooms. Times in UTC.
        </p>
      </div>

      {platformWide ? null : (
        <p className="text-sm text-slate-600" data-testid="brand-findings-note">
          You see the findings about your brand's payments and sessions. The runs and their alerts cover every brand:
          the platform's admins look after them.
        </p>
      )}

      {platformWide ? (
        <Card title={`Open alerts (${alerts.length})`}>
          {alerts.length ? (
            <ul className="space-y-2 text-sm" data-testid="ops-alerts">
              {alerts.map((a) => (
                <li key={a.id} data-testid="ops-alert" data-alert-id={a.id}>
                  <p>
                    <time dateTime={a.createdAt.toISOString()}>{when(a.createdAt)}</time>: {a.message}
                  </p>
                  <AlertDismiss alertId={a.id} />
                </li>
              ))}
            </ul>
          ) : (
            <EmptyState title="No open alerts" />
          )}
        </Card>
      ) : null}

      <Card title={`Open findings (${openCount})`}>
        {open.length ? (
          <div className="-mx-5 overflow-x-auto px-5">
            <table className="w-full min-w-[48rem] text-left text-sm" data-testid="open-findings">
              <thead className="border-b border-slate-200 text-slate-600">
                <tr>
                  <th className="py-2 pr-3 font-medium">Finding</th>
                  <th className="py-2 pr-3 font-medium">What differs</th>
                  <th className="py-2 pr-3 font-medium">Links</th>
                  <th className="py-2 pr-3 font-medium">Last seen</th>
                  <th className="py-2 pr-3 font-medium">Resolve</th>
                </tr>
              </thead>
              <tbody>
                {open.map((f) => (
                  <tr
                    key={f.id}
                    className="border-b border-slate-100 align-top"
                    data-testid="open-finding"
                    data-finding-id={f.id}
                    data-kind={f.kind}
                  >
                    <td className="py-2 pr-3">{KIND_WORDS[f.kind] ?? f.kind}</td>
                    <td className="py-2 pr-3">
                      {f.message}
                      {f.resolutionNote ? (
                        <p className="mt-1 text-amber-800" data-testid="finding-note">
                          {f.resolutionNote}
                        </p>
                      ) : null}
                    </td>
                    <td className="py-2 pr-3">
                      <FindingLinks f={f} live={liveMode} />
                    </td>
                    <td className="py-2 pr-3">
                      <time dateTime={f.lastSeenAt.toISOString()}>{when(f.lastSeenAt)}</time>
                    </td>
                    <td className="py-2 pr-3">
                      <FindingResolve findingId={f.id} actions={f.actions} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {openCount > open.length ? (
              <p className="mt-2 text-sm text-slate-600">
                The {open.length} most recently seen of {openCount} are shown.
              </p>
            ) : null}
          </div>
        ) : (
          <EmptyState title="No open findings" />
        )}
      </Card>

      {resolved.length ? (
        <Card title="Recently resolved">
          <ul className="space-y-2 text-sm" data-testid="resolved-findings">
            {resolved.map((f) => (
              <li key={f.id} data-testid="resolved-finding" data-finding-id={f.id}>
                <p>
                  <span className="font-medium">{RESOLUTION_WORDS[f.resolution ?? ""] ?? f.resolution}</span> by{" "}
                  <span data-testid="resolved-by">{f.resolvedByEmail ?? "someone"}</span>,{" "}
                  {f.resolvedAt ? <time dateTime={f.resolvedAt.toISOString()}>{when(f.resolvedAt)}</time> : null}:{" "}
                  {KIND_WORDS[f.kind] ?? f.kind} – {f.message}
                  {f.resolutionNote ? <> (note: {f.resolutionNote})</> : null}
                </p>
                <FindingLinks f={f} live={liveMode} />
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      {platformWide ? (
        <Card title="Latest run">
          {!latest ? (
            <EmptyState title="No run yet">The first nightly run records itself here.</EmptyState>
          ) : (
            <div className="space-y-3" data-testid="latest-run">
              <p className="text-sm text-slate-700" data-testid="latest-run-summary">
                {when(latest.startedAt)} ({latest.trigger}):{" "}
                {latest.error
                  ? `${latest.error}; ${latest.checkedSessions} session rows compared, ${latest.mismatches} mismatch${latest.mismatches === 1 ? "" : "es"}`
                  : `${latest.checkedPayments} payments, ${latest.checkedRefunds} refunds and ${latest.checkedSessions} session rows compared, ${latest.mismatches} mismatch${latest.mismatches === 1 ? "" : "es"}`}
              </p>
              {latest.findings.length ? (
                <div className="-mx-5 overflow-x-auto px-5">
                  <table className="w-full min-w-[40rem] text-left text-sm" data-testid="findings">
                    <thead className="border-b border-slate-200 text-slate-600">
                      <tr>
                        <th className="py-2 pr-3 font-medium">Mismatch</th>
                        <th className="py-2 pr-3 font-medium">Stripe object</th>
                        <th className="py-2 pr-3 font-medium">Our payment</th>
                        <th className="py-2 pr-3 font-medium">What differs</th>
                      </tr>
                    </thead>
                    <tbody>
                      {latest.findings.map((f) => (
                        <tr
                          key={`${f.kind}:${f.stripeId ?? ""}:${f.refundId ?? ""}:${f.roomSessionId ?? ""}:${f.userId ?? ""}`}
                          className="border-b border-slate-100"
                          data-testid="finding"
                        >
                          <td className="py-2 pr-3">{KIND_WORDS[f.kind] ?? f.kind}</td>
                          <td className="py-2 pr-3 font-mono text-xs">{f.stripeId ?? "—"}</td>
                          <td className="py-2 pr-3 font-mono text-xs">{f.paymentId ?? "—"}</td>
                          <td className="py-2 pr-3">{f.message}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ) : null}
            </div>
          )}
        </Card>
      ) : null}
    </div>
  );
}
