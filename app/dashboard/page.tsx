import type { Metadata } from "next";
import Link from "next/link";
import { ApplyForm } from "@/components/dashboard/apply-form";
import { ConfirmEmailBanner } from "@/components/dashboard/confirm-email-banner";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/session";
import { isEmailVerified } from "@/lib/auth/verification";
import { listViewerBookings } from "@/lib/bookings/queries";
import { getLatestApplication } from "@/lib/creators/queries";
import { formatMoney } from "@/lib/money";
import { LocalTime } from "@/components/ui/local-time";
import { listViewerTickets } from "@/lib/shows/queries";

export const metadata: Metadata = { title: "My bookings" };

const statusTone = {
  confirmed: "good",
  pending_payment: "warn",
  cancelled: "neutral",
  completed: "neutral",
  disputed: "bad",
  expired: "neutral",
} as const;
const statusLabel = {
  confirmed: "Confirmed",
  pending_payment: "Awaiting payment",
  cancelled: "Cancelled",
  completed: "Completed",
  disputed: "Disputed",
  expired: "Expired",
} as const;

const ticketTone = {
  paid: "good",
  pending_payment: "warn",
  cancelled: "neutral",
  refunded: "neutral",
  expired: "neutral",
} as const;
const ticketLabel = {
  paid: "Ticket",
  pending_payment: "Awaiting payment",
  cancelled: "Cancelled",
  refunded: "Refunded",
  expired: "Expired",
} as const;

export default async function DashboardPage() {
  const user = await requirePageUser("/dashboard");
  const [verified, bookings, tickets, application] = await Promise.all([
    isEmailVerified(user),
    listViewerBookings(user.id),
    listViewerTickets(user.id),
    user.role === "viewer" ? getLatestApplication(user.id) : Promise.resolve(null),
  ]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Hi, {user.name}</h1>
        <p className="text-slate-600">Your bookings and tickets.</p>
      </div>
      {verified ? null : <ConfirmEmailBanner email={user.email} />}

      <Card title="My bookings">
        {bookings.length ? (
          <ul className="divide-y divide-slate-100" data-testid="booking-list">
            {bookings.map((b) => (
              <li key={b.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                <div>
                  <p className="font-medium">
                    <Link href={`/bookings/${b.id}`} className="underline">
                      {b.offering.title}
                    </Link>{" "}
                    with{" "}
                    <Link href={`/creators/${b.creator.slug}`} className="underline">
                      {b.creator.displayName}
                    </Link>
                  </p>
                  <p className="text-sm text-slate-600">
                    <LocalTime iso={b.startsAt.toISOString()} />
                  </p>
                </div>
                <div className="flex items-center gap-3">
                  <span className="text-sm">{formatMoney(b.priceCents, b.currency)}</span>
                  <Badge tone={statusTone[b.status]}>{statusLabel[b.status]}</Badge>
                </div>
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState title="No bookings yet">
            <p>
              Find a creator and book a private session.{" "}
              <Link href="/creators" className="font-medium text-brand underline">
                Browse creators
              </Link>
            </p>
          </EmptyState>
        )}
      </Card>

      {tickets.length ? (
        <Card title="My show tickets">
          <ul className="divide-y divide-slate-100" data-testid="ticket-list">
            {tickets.map((t) => (
              <li key={t.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                <div>
                  <p className="font-medium">
                    <Link href={`/shows/${t.event.id}`} className="underline">
                      {t.event.title}
                    </Link>{" "}
                    with {t.event.creator.displayName}
                  </p>
                  <p className="text-sm text-slate-600">
                    <LocalTime iso={t.event.startsAt.toISOString()} />
                  </p>
                </div>
                <Badge tone={ticketTone[t.event.status === "cancelled" ? "cancelled" : t.status]}>
                  {t.event.status === "cancelled" ? "Show cancelled" : ticketLabel[t.status]}
                </Badge>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      {user.role === "viewer" ? (
        <Card title="Become a creator">
          {application?.status === "pending" ? (
            <p data-testid="application-status">
              <Badge tone="warn">Under review</Badge> Your application as “{application.displayName}” is waiting for an
              admin.
            </p>
          ) : (
            <>
              {application?.status === "declined" ? (
                <p className="mb-4 text-sm text-slate-700" data-testid="application-status">
                  <Badge tone="bad">Declined</Badge> {application.decisionNote ?? "Your last application was declined."}{" "}
                  You can apply again.
                </p>
              ) : (
                <p className="mb-4 text-sm text-slate-600">
                  Sell private sessions and live rooms. An admin reviews every application.
                </p>
              )}
              <ApplyForm defaultName={user.name} />
            </>
          )}
        </Card>
      ) : null}
    </div>
  );
}
