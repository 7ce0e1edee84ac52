import type { Metadata } from "next";
import Link from "next/link";
import { ZodError } from "zod";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { requirePageRole } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { searchSessions, type SessionSearchResult } from "@/lib/support/queries";

export const metadata: Metadata = { title: "Sessions (support)" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<{ q?: string | string[] }> };

const statusTone = {
  confirmed: "good",
  completed: "neutral",
  disputed: "bad",
  cancelled: "neutral",
  expired: "neutral",
  pending_payment: "warn",
} as const;

// GET /admin/sessions?q= – support's search: paste an email, a Stripe id or a LiveKit id, get the session.
export default async function AdminSessionsPage({ searchParams }: Props) {
  const admin = await requirePageRole("/admin/sessions", "admin");
  const raw = (await searchParams).q;
  const q = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? "";
  let found: SessionSearchResult | null = null;
  let problem: string | null = null;
  if (q) {
    try {
      found = await searchSessions(admin, q);
    } catch (err) {
      if (!(err instanceof ZodError)) throw err;
      problem = `“${q}” is too ${q.length > 200 ? "long (at most 200 characters)" : "short: type at least 2 characters"}.`;
    }
  }

  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link className="text-brand underline" href="/admin">
            Admin
          </Link>{" "}
          / Sessions
        </p>
        <h1 className="text-2xl font-bold">Find a session</h1>
      </div>
      <Card>
        <search>
          <form className="flex flex-col gap-2 sm:flex-row" action="/admin/sessions">
            <label htmlFor="session-q" className="sr-only">
              Email, booking id, Stripe id or LiveKit id
            </label>
            <input
              id="session-q"
              name="q"
              defaultValue={q}
              maxLength={200}
              autoComplete="off"
              placeholder="Email, booking id, cs_…, pi_…, room name, RM_… or PA_…"
              className="w-full min-w-0 rounded-md border border-slate-300 px-3 py-2 text-sm"
            />
            <button
              type="submit"
              className="rounded-md bg-brand px-4 py-2 text-sm font-semibold text-on-brand hover:opacity-90"
            >
              Search
            </button>
          </form>
        </search>
        <p className="mt-2 text-xs text-slate-500">
          An email matches in part; ids match exactly. Searches viewers and creators, bookings, Stripe checkout and
          payment-intent ids, LiveKit room names and room or participant SIDs.
        </p>
      </Card>

      {problem ? (
        <p role="alert" className="rounded-md bg-amber-50 px-4 py-3 text-amber-900" data-testid="search-problem">
          {problem}
        </p>
      ) : !q ? (
        <EmptyState title="Paste what the customer gave you">
          An email address, a receipt reference (booking id), a Stripe id or a LiveKit id.
        </EmptyState>
      ) : found && found.results.length === 0 && found.tickets.length === 0 ? (
        <EmptyState title={`No session matches “${found.q}”`}>
          Check the id for a missing character, or search by the customer’s email.
        </EmptyState>
      ) : found?.results.length ? (
        <Card
          title={`${found.results.length === 50 ? "The latest 50" : found.results.length} session${found.results.length === 1 ? "" : "s"}`}
        >
          <div className="-mx-5 overflow-x-auto px-5">
            <table className="w-full min-w-[40rem] text-left text-sm" data-testid="session-results">
              <thead className="border-b border-slate-200 text-slate-600">
                <tr>
                  <th className="py-2 pr-3 font-medium">Session</th>
                  <th className="py-2 pr-3 font-medium">Viewer</th>
                  <th className="py-2 pr-3 font-medium">Creator</th>
                  <th className="py-2 pr-3 font-medium">Status</th>
                  <th className="py-2 font-medium">Found by</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {found.results.map((b) => (
                  <tr key={b.id} data-testid={`session-${b.id}`}>
                    <td className="py-2 pr-3 align-top">
                      <Link className="font-medium text-brand underline" href={`/admin/sessions/${b.id}`}>
                        {b.offering.title}
                      </Link>
                      <p className="text-slate-500">
                        <LocalTime iso={b.startsAt.toISOString()} />
                      </p>
                      <p className="break-all font-mono text-xs text-slate-500">{b.id}</p>
                    </td>
                    <td className="py-2 pr-3 align-top">
                      <p>{b.viewer.name}</p>
                      <p className="break-all text-slate-500">{b.viewer.email}</p>
                    </td>
                    <td className="py-2 pr-3 align-top">
                      <p>{b.creator.displayName}</p>
                      <p className="break-all text-slate-500">{b.creator.user.email}</p>
                    </td>
                    <td className="py-2 pr-3 align-top">
                      <Badge tone={statusTone[b.status]}>{b.status.replace("_", " ")}</Badge>
                      <p className="mt-1 text-xs text-slate-500">
                        {formatMoney(b.priceCents, b.currency)}
                        {b.roomSession?.outcome ? ` · ${b.roomSession.outcome.replaceAll("_", " ")}` : ""}
                      </p>
                    </td>
                    <td className="py-2 align-top text-slate-600">{b.matchedBy}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      ) : null}
      {found?.tickets.length ? (
        <Card title={`${found.tickets.length} show ticket${found.tickets.length === 1 ? "" : "s"}`}>
          <ul className="divide-y divide-slate-100 text-sm" data-testid="ticket-results">
            {found.tickets.map((t) => (
              <li key={t.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>
                  <Link className="font-medium text-brand underline" href={`/admin/tickets/${t.id}`}>
                    {t.event.title}
                  </Link>{" "}
                  · {t.viewer.name} ({t.viewer.email}) with {t.event.creator.displayName} ·{" "}
                  <LocalTime iso={t.event.startsAt.toISOString()} />
                </span>
                <span className="flex items-center gap-2">
                  <Badge>{t.status.replace("_", " ")}</Badge>
                  <Link className="text-brand underline" href={`/admin/shows/${t.event.id}`}>
                    Show
                  </Link>
                </span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}
