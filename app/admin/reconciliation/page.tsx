import type { Metadata } from "next";
import Link from "next/link";
import { AlertDismiss } from "@/components/admin/alert-dismiss";
import { Card, EmptyState } from "@/components/ui/card";
import { requirePageRole } from "@/lib/auth/session";
import { getReconciliationPage } from "@/lib/payments/reconciliation";

export const metadata: Metadata = { title: "Reconciliation" };
export const dynamic = "force-dynamic";

const KIND_WORDS: Record<string, string> = {
  paid_in_stripe_not_in_booth: "Paid in Stripe, not in our ledger",
  booth_paid_not_in_stripe: "Paid in our ledger, not in Stripe",
  amount_differs: "Amounts differ",
  refund_missing_in_stripe: "Refund missing in Stripe",
  refund_differs: "Refund differs",
};

const when = (d: Date) => d.toISOString().replace("T", " ").slice(0, 16);

// GET /admin/reconciliation – the ledger against Stripe: the latest runs, their mismatches, open alerts.
export default async function ReconciliationPage() {
  const admin = await requirePageRole("/admin/reconciliation", "admin");
  const { runs, alerts } = await getReconciliationPage(admin);
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
        <h1 className="text-2xl font-bold">Reconciliation with Stripe</h1>
        <p className="text-slate-600">
          Every night (from 03:00 UTC) the platform compares the payments and refunds of the last 35 days with Stripe.
          Times in UTC.
        </p>
      </div>

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

      <Card title="Latest run">
        {!latest ? (
          <EmptyState title="No run yet">The first nightly run records itself here.</EmptyState>
        ) : (
          <div className="space-y-3" data-testid="latest-run">
            <p className="text-sm text-slate-700" data-testid="latest-run-summary">
              {when(latest.startedAt)} ({latest.trigger}):{" "}
              {latest.error
                ? latest.error
                : `${latest.checkedPayments} payments and ${latest.checkedRefunds} refunds compared, ${latest.mismatches} mismatch${latest.mismatches === 1 ? "" : "es"}`}
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
                        key={`${f.kind}:${f.stripeId}:${f.refundId ?? ""}`}
                        className="border-b border-slate-100"
                        data-testid="finding"
                      >
                        <td className="py-2 pr-3">{KIND_WORDS[f.kind] ?? f.kind}</td>
                        <td className="py-2 pr-3 font-mono text-xs">{f.stripeId}</td>
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
    </div>
  );
}
