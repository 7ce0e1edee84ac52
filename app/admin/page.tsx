import { isPlatformAdmin } from "@/lib/auth/permissions";
import type { Metadata } from "next";
import { ApplicationDecision } from "@/components/admin/application-decision";
import { RoleControl, StatusControl } from "@/components/admin/user-controls";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import Link from "next/link";
import { requirePageRole } from "@/lib/auth/session";
import { getAdminMoneyOverview } from "@/lib/payments/queries";
import { formatMoney } from "@/lib/money";
import { listPendingApplications } from "@/lib/creators/queries";
import { recordingCompleteness } from "@/lib/recordings/completeness";
import { listUsers } from "@/lib/users/queries";

export const metadata: Metadata = { title: "Admin" };

type Props = { searchParams: Promise<{ q?: string }> };

export default async function AdminPage({ searchParams }: Props) {
  const admin = await requirePageRole("/admin", "admin");
  const q = (await searchParams).q?.trim() || undefined;
  const now = new Date();
  const [users, applications, money, recordings] = await Promise.all([
    listUsers(admin, { q }),
    listPendingApplications(admin),
    getAdminMoneyOverview(admin),
    // Failed, partial or missing recordings of the last 7 days (each also logged as a warning).
    recordingCompleteness(new Date(now.getTime() - 7 * 86_400_000), now),
  ]);
  const paymentList = (items: typeof money.review, testId: string) => (
    <ul className="divide-y divide-slate-100 text-sm" data-testid={testId}>
      {items.map((p) => (
        <li key={p.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
          <span>
            {p.bookingId ? (
              <Link className="font-medium underline" href={`/bookings/${p.bookingId}`}>
                {formatMoney(p.amountCents, p.currency)} from {p.payer.email}
              </Link>
            ) : (
              `${formatMoney(p.amountCents, p.currency)} from ${p.payer.email}`
            )}
            {p.reviewReason ? <span className="block text-xs text-slate-500">{p.reviewReason}</span> : null}
          </span>
          <Badge
            tone={
              p.status === "paid" ? "good" : p.status === "needs_review" || p.status === "disputed" ? "bad" : "neutral"
            }
          >
            {p.status.replace("_", " ")}
          </Badge>
        </li>
      ))}
    </ul>
  );
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Admin</h1>
      <nav aria-label="Support" className="flex flex-wrap gap-3 text-sm">
        <Link
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50"
          href="/admin/sessions"
        >
          Find a session
        </Link>
        <Link
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50"
          href="/admin/metrics"
        >
          Session metrics
        </Link>
        <Link
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50"
          href="/admin/reports"
        >
          Reports
        </Link>
        <Link
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50"
          href="/admin/audit"
        >
          Audit log
        </Link>
        <Link
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50"
          href="/admin/brand"
        >
          Brand
        </Link>
        {isPlatformAdmin(admin) ? (
          <Link
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50"
            href="/admin/brands"
          >
            Brands
          </Link>
        ) : null}
        <Link
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50"
          href="/admin/verifications"
        >
          Creator verification
        </Link>
        <Link
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50"
          href="/admin/reconciliation"
        >
          Reconciliation
        </Link>
        <Link
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium hover:bg-slate-50"
          href="/admin/recordings"
        >
          Recordings
        </Link>
      </nav>

      {recordings.alerts.length ? (
        <Card title={`Recording problems, last 7 days (${recordings.alerts.length})`}>
          <ul className="divide-y divide-slate-100 text-sm" data-testid="recording-alerts">
            {recordings.alerts.map((a) => (
              <li key={`${a.roomSessionId}-${a.track}`} className="py-2">
                <Link className="font-medium underline" href={`/admin/sessions/${a.bookingId}`}>
                  {a.verdict}
                </Link>{" "}
                · {a.track} · {Math.round(a.missingShare * 100)}% not recorded
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      <Card title={`Payments needing review (${money.review.length})`}>
        {money.review.length ? paymentList(money.review, "payments-review") : <EmptyState title="Nothing to review" />}
      </Card>
      <Card title="Latest payments">
        {money.recent.length ? paymentList(money.recent, "payments-recent") : <EmptyState title="No payments yet" />}
      </Card>

      <Card title={`Creator applications (${applications.length})`}>
        {applications.length ? (
          <ul className="space-y-4">
            {applications.map((a) => (
              <li key={a.id} className="rounded-lg border border-slate-200 p-4" data-testid="application">
                <p className="font-medium">
                  {a.displayName} <span className="text-sm font-normal text-slate-500">({a.user.email})</span>
                </p>
                <p className="mt-1 whitespace-pre-line text-sm text-slate-700">{a.pitch}</p>
                <div className="mt-3">
                  <ApplicationDecision applicationId={a.id} name={a.displayName} />
                </div>
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState title="No applications waiting" />
        )}
      </Card>

      <Card title="Users">
        <search>
          <form className="mb-4 flex gap-2">
            <label htmlFor="q" className="sr-only">
              Search users
            </label>
            <input
              id="q"
              name="q"
              defaultValue={q}
              placeholder="Search by email or name"
              className="w-full max-w-sm rounded-md border border-slate-300 px-3 py-2 text-sm"
            />
            <button type="submit" className="rounded-md border border-slate-300 px-3 py-2 text-sm font-medium">
              Search
            </button>
          </form>
        </search>
        {users.length ? (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="border-b border-slate-200 text-slate-600">
                <tr>
                  <th className="py-2 pr-3 font-medium">User</th>
                  <th className="py-2 pr-3 font-medium">Status</th>
                  <th className="py-2 pr-3 font-medium">Role</th>
                  <th className="py-2 font-medium">Access</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {users.map((u) => (
                  <tr key={u.id} data-testid={`user-${u.email}`}>
                    <td className="py-2 pr-3">
                      <p className="font-medium">{u.name}</p>
                      <p className="text-slate-500">{u.email}</p>
                    </td>
                    <td className="py-2 pr-3">
                      <Badge tone={u.status === "active" ? "good" : "bad"}>{u.status}</Badge>
                      {u.suspendedReason ? <p className="mt-1 text-xs text-slate-500">{u.suspendedReason}</p> : null}
                    </td>
                    <td className="py-2 pr-3">
                      <RoleControl user={u} disabled={u.id === admin.id} />
                    </td>
                    <td className="py-2">
                      <StatusControl user={u} disabled={u.id === admin.id} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <EmptyState title={q ? `No user matches “${q}”` : "No users yet"} />
        )}
      </Card>
    </div>
  );
}
