import type { Metadata } from "next";
import Link from "next/link";
import { ReportForm } from "@/components/moderation/report-form";
import { getCurrentUser } from "@/lib/auth/session";
import { notFound } from "next/navigation";
import { Avatar } from "@/components/creators/creator-card";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { summariseWeek } from "@/lib/creators/availability";
import { getRequestBrandId } from "@/lib/branding/queries";
import { getPublicProfile } from "@/lib/creators/queries";
import { LocalTime } from "@/components/ui/local-time";
import { formatMoney } from "@/lib/money";
import { listUpcomingShows } from "@/lib/shows/queries";
import { timeZoneLabel } from "@/lib/time";

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const profile = await getPublicProfile((await params).slug, await getRequestBrandId());
  return { title: profile?.displayName ?? "Creator not found" };
}

export default async function CreatorProfilePage({ params }: Props) {
  const profile = await getPublicProfile((await params).slug, await getRequestBrandId());
  if (!profile) notFound();
  const week = summariseWeek(profile.availability);
  const [shows, user] = await Promise.all([listUpcomingShows(profile.id), getCurrentUser()]);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-5">
        <Avatar name={profile.displayName} url={profile.avatarUrl} size="lg" />
        <div>
          <h1 className="text-3xl font-bold">{profile.displayName}</h1>
          <p className="text-sm text-slate-600" data-testid="creator-zone">
            Hours in {timeZoneLabel(profile.timeZone)}
          </p>
        </div>
      </div>
      {profile.bio ? (
        <p className="max-w-3xl whitespace-pre-line text-slate-800" data-testid="creator-bio">
          {profile.bio}
        </p>
      ) : null}

      <Card title="Offerings">
        {profile.offerings.length ? (
          <ul className="divide-y divide-slate-100">
            {profile.offerings.map((o) => (
              <li key={o.id} className="flex flex-wrap items-start justify-between gap-3 py-3" data-testid="offering">
                <div>
                  <p className="font-semibold">
                    {o.title}{" "}
                    <Badge>{o.kind === "private_session" ? "Private 1:1" : `Group room · ${o.capacity} seats`}</Badge>
                  </p>
                  {o.description ? <p className="mt-1 text-sm text-slate-600">{o.description}</p> : null}
                  <p className="mt-1 text-sm text-slate-500">{o.durationMinutes} minutes</p>
                </div>
                <div className="flex flex-col items-end gap-2">
                  <p className="text-lg font-semibold" data-testid="offering-price">
                    {formatMoney(o.priceCents, o.currency)}
                    {o.kind === "group_room" ? (
                      <span className="text-sm font-normal text-slate-500"> / ticket</span>
                    ) : null}
                  </p>
                  {o.kind === "private_session" ? (
                    <Link
                      href={`/book/${o.id}`}
                      className="rounded-md bg-brand px-4 py-2 text-sm font-semibold text-on-brand hover:opacity-90"
                    >
                      Book a time
                    </Link>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState title="Nothing to book yet">This creator hasn't added an offering.</EmptyState>
        )}
      </Card>

      {shows.length ? (
        <Card title="Upcoming live shows">
          <ul className="divide-y divide-slate-100" data-testid="upcoming-shows">
            {shows.map((s) => (
              <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="show">
                <div>
                  <p className="font-semibold">
                    {s.title} {s.status === "live" ? <Badge tone="good">Live now</Badge> : null}
                  </p>
                  <p className="text-sm text-slate-600">
                    <LocalTime iso={s.startsAt.toISOString()} /> ·{" "}
                    {s.capacity - s.ticketsSold > 0 ? `${s.capacity - s.ticketsSold} seats left` : "Sold out"}
                  </p>
                </div>
                <Link
                  href={`/shows/${s.id}`}
                  className="rounded-md bg-brand px-4 py-2 text-sm font-semibold text-on-brand hover:opacity-90"
                >
                  {formatMoney(s.priceCents, s.currency)} · Tickets
                </Link>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      <Card title="Usual hours">
        {week.length ? (
          <>
            <p className="mb-3 text-sm text-slate-600">
              In the creator's time zone: {timeZoneLabel(profile.timeZone)}.
            </p>
            <dl className="grid grid-cols-[8rem_1fr] gap-y-1 text-sm" data-testid="weekly-hours">
              {week.map((d) => (
                <div key={d.day} className="contents">
                  <dt className="font-medium">{d.day}</dt>
                  <dd>{d.ranges.join(", ")}</dd>
                </div>
              ))}
            </dl>
          </>
        ) : (
          <EmptyState title="No regular hours set">Check back later for open times.</EmptyState>
        )}
      </Card>
      <div data-testid="report-creator">
        {user ? (
          user.id !== profile.userId ? (
            <ReportForm context="profile" creatorSlug={profile.slug} subjectName={profile.displayName} />
          ) : null
        ) : (
          <Link
            href={`/signin?callbackUrl=${encodeURIComponent(`/creators/${profile.slug}`)}`}
            className="text-sm text-slate-600 underline"
          >
            Sign in to report {profile.displayName}
          </Link>
        )}
      </div>
    </div>
  );
}
