import type { Metadata } from "next";
import Link from "next/link";
import { SuperviseRoom } from "@/components/admin/supervise-room";
import { notFound } from "next/navigation";
import { AdminShowRoom } from "@/components/shows/admin-show-room";
import { CancelShowForm } from "@/components/shows/show-forms";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { requirePageRole } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { formatMoney } from "@/lib/money";
import { getShowAdminPage } from "@/lib/shows/queries";

export const metadata: Metadata = { title: "Show (support)" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

// GET /admin/shows/:id – a show for support: its tickets and their stories, the live room's people and chat
// (moderation), its tips, and cancelling it.
export default async function AdminShowPage({ params }: Props) {
  const { id } = await params;
  const admin = await requirePageRole(`/admin/shows/${id}`, "admin");
  const show = await getShowAdminPage(admin, id).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const live = show.status === "live" && show.roomSession && !show.roomSession.closedAt;
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link className="text-brand underline" href="/admin">
            Admin
          </Link>{" "}
          /{" "}
          <Link className="text-brand underline" href={`/shows/${show.id}`}>
            Public page
          </Link>
        </p>
        <h1 className="text-2xl font-bold">
          {show.title} <Badge>{show.status}</Badge>
        </h1>
        <p className="text-slate-600">
          {show.creator.displayName} · <LocalTime iso={show.startsAt.toISOString()} /> · {show.ticketsSold}/
          {show.capacity} seats · {formatMoney(show.priceCents, show.currency)}
        </p>
        <p className="break-all font-mono text-xs text-slate-500">
          trace {show.traceId}
          {show.roomSession ? ` · room ${show.roomSession.roomName}` : ""}
          {show.roomSession?.livekitRoomSid ? ` · ${show.roomSession.livekitRoomSid}` : ""}
        </p>
      </div>

      {show.roomSession && !show.roomSession.closedAt ? <SuperviseRoom target={{ eventId: show.id }} /> : null}

      {live ? (
        <Card title="Live room">
          <AdminShowRoom eventId={show.id} adminId={admin.id} people={show.inRoom} />
        </Card>
      ) : null}

      <Card title="Tickets">
        {show.tickets.length ? (
          <ul className="divide-y divide-slate-100 text-sm" data-testid="show-tickets">
            {show.tickets.map((t) => {
              const paid = t.payments.find((p) => p.status !== "pending" && p.status !== "expired");
              return (
                <li key={t.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <span>
                    {t.viewer.name} · {t.viewer.email}
                  </span>
                  <span className="flex items-center gap-3">
                    {paid ? (
                      <span>
                        {formatMoney(paid.amountCents, paid.currency)}
                        {paid.refundedCents ? ` · ${formatMoney(paid.refundedCents, paid.currency)} refunded` : ""}
                      </span>
                    ) : null}
                    <Badge>{t.status.replace("_", " ")}</Badge>
                    <Link className="text-brand underline" href={`/admin/tickets/${t.id}`}>
                      Story
                    </Link>
                  </span>
                </li>
              );
            })}
          </ul>
        ) : (
          <EmptyState title="No tickets yet" />
        )}
      </Card>

      <Card title="Tips">
        {show.roomSession?.tips.length ? (
          <ul className="space-y-1 text-sm">
            {show.roomSession.tips.map((t) => (
              <li key={t.id}>
                {t.fromUser.name} · {formatMoney(t.amountCents, t.currency)} · {t.status}
                {t.message ? ` · “${t.message}”` : ""}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-600">No tips.</p>
        )}
      </Card>

      {show.status === "scheduled" || show.status === "live" ? (
        <Card title="Cancel the show">
          <CancelShowForm eventId={show.id} sold={show.ticketsSold} />
        </Card>
      ) : show.cancelReason ? (
        <p className="text-sm">Cancelled: {show.cancelReason}</p>
      ) : null}
    </div>
  );
}
