import type { Metadata } from "next";
import Link from "next/link";
import { ScheduleShowForm } from "@/components/shows/show-forms";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { requirePageRole } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { getStudioShows } from "@/lib/shows/queries";

export const metadata: Metadata = { title: "Live shows" };
export const dynamic = "force-dynamic";

const statusText = { scheduled: "Upcoming", live: "Live", ended: "Ended", cancelled: "Cancelled" } as const;
const statusTone = { scheduled: "neutral", live: "good", ended: "neutral", cancelled: "bad" } as const;

// Studio: schedule group shows from group-room offerings, and see (and cancel) the ones scheduled.
export default async function StudioShowsPage() {
  const creator = await requirePageRole("/studio/shows", "creator");
  const studio = await getStudioShows(creator);
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link className="text-brand underline" href="/studio">
            Studio
          </Link>
        </p>
        <h1 className="text-2xl font-bold">Live shows</h1>
        <p className="text-slate-600">
          A show is a live room with tickets: you broadcast, ticket holders watch, chat, raise hands and tip.
        </p>
      </div>

      <Card title="Schedule a show">
        {!studio ? (
          <EmptyState title="Set up your profile first">Save your profile in the studio, then come back.</EmptyState>
        ) : studio.offerings.length ? (
          <ScheduleShowForm offerings={studio.offerings} />
        ) : (
          <EmptyState title="No group-room offering yet">
            Add an offering of the kind “Group room (tickets)” in the{" "}
            <Link className="underline" href="/studio">
              studio
            </Link>
            ; its price and seats become each show's defaults.
          </EmptyState>
        )}
      </Card>

      <Card title="Your shows">
        {studio?.shows.length ? (
          <ul className="divide-y divide-slate-100" data-testid="studio-shows">
            {studio.shows.map((s) => (
              <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                <div>
                  <p className="font-medium">
                    <Link className="underline" href={`/shows/${s.id}`}>
                      {s.title}
                    </Link>{" "}
                    <Badge tone={statusTone[s.status]}>{statusText[s.status]}</Badge>
                  </p>
                  <p className="text-sm text-slate-600">
                    <LocalTime iso={s.startsAt.toISOString()} /> · {s.ticketsSold}/{s.capacity} seats taken ·{" "}
                    {formatMoney(s.priceCents, s.currency)}
                  </p>
                </div>
                {s.status === "scheduled" || s.status === "live" ? (
                  <Link className="text-sm font-medium text-brand underline" href={`/shows/${s.id}/room`}>
                    Room
                  </Link>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState title="No shows yet">Scheduled shows appear here and on your public profile.</EmptyState>
        )}
      </Card>
    </div>
  );
}
