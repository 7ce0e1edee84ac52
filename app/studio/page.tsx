import type { Metadata } from "next";
import Link from "next/link";
import { AvailabilityForm, BlackoutForm, RemoveBlackoutButton } from "@/components/studio/availability-form";
import { OfferingForm, type OfferingDraft } from "@/components/studio/offering-form";
import { ProfileForm } from "@/components/studio/profile-form";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { requirePageRole } from "@/lib/auth/session";
import { getStudio } from "@/lib/creators/queries";
import { newOfferingDefaults } from "@/lib/creators/schemas";
import { slugify } from "@/lib/creators/slug";
import { formatMoney } from "@/lib/money";
import { timeZoneOptions } from "@/lib/time";

export const metadata: Metadata = { title: "Studio" };

export default async function StudioPage() {
  const creator = await requirePageRole("/studio", "creator");
  const studio = await getStudio(creator.id);
  const profile = studio ?? {
    slug: slugify(creator.name),
    displayName: creator.name,
    bio: "",
    avatarUrl: null,
    timeZone: null, // a new creator: the form proposes the browser's zone
    published: false,
  };
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">Studio</h1>
          <p className="text-slate-600">Your public profile, what you sell, and when.</p>
          <Link href="/studio/bookings" className="text-sm font-medium text-brand underline">
            Bookings and earnings
          </Link>{" "}
          ·{" "}
          <Link href="/studio/shows" className="text-sm font-medium text-brand underline">
            Live shows
          </Link>{" "}
          ·{" "}
          <Link href="/studio/recordings" className="text-sm font-medium text-brand underline">
            Recordings
          </Link>{" "}
          ·{" "}
          <Link href="/studio/verification" className="text-sm font-medium text-brand underline">
            Verification
          </Link>
        </div>
        {studio?.published ? (
          <Link href={`/creators/${studio.slug}`} className="text-sm font-medium text-brand underline">
            View public profile
          </Link>
        ) : (
          <Badge tone="warn">Not published</Badge>
        )}
      </div>

      <Card title="Profile">
        <ProfileForm profile={profile} timeZones={timeZoneOptions()} />
      </Card>

      <Card title="Offerings">
        {studio ? (
          <div className="space-y-6">
            {studio.offerings.length === 0 ? (
              <EmptyState title="No offerings yet">Add a private session or a group room below.</EmptyState>
            ) : null}
            {studio.offerings.map((o) => (
              <details key={o.id} className="rounded-lg border border-slate-200 p-4" data-testid="studio-offering">
                <summary className="cursor-pointer font-medium">
                  {o.title} · {formatMoney(o.priceCents, o.currency)} · {o.durationMinutes} min{" "}
                  {o.active ? null : <Badge>Inactive</Badge>}
                </summary>
                <div className="mt-4">
                  <OfferingForm offering={o as OfferingDraft} />
                </div>
              </details>
            ))}
            <div className="rounded-lg border border-dashed border-slate-300 p-4">
              <h3 className="mb-3 font-medium">Add an offering</h3>
              <OfferingForm
                offering={{
                  ...newOfferingDefaults,
                  currency: studio.offerings[0]?.currency ?? newOfferingDefaults.currency,
                }}
              />
            </div>
          </div>
        ) : (
          <EmptyState title="Save your profile first">Offerings and availability belong to your profile.</EmptyState>
        )}
      </Card>

      {studio ? (
        <>
          <Card title="Weekly availability">
            <AvailabilityForm rules={studio.availability} timeZone={studio.timeZone} />
          </Card>
          <Card title="Days off">
            <BlackoutForm />
            {studio.blackouts.length ? (
              <ul className="mt-4 divide-y divide-slate-100 text-sm">
                {studio.blackouts.map((b) => {
                  const label = b.date.toISOString().slice(0, 10);
                  return (
                    <li key={b.id} className="flex items-center justify-between py-2">
                      <span>
                        {label}
                        {b.reason ? <span className="text-slate-500"> · {b.reason}</span> : null}
                      </span>
                      <RemoveBlackoutButton id={b.id} label={label} />
                    </li>
                  );
                })}
              </ul>
            ) : (
              <p className="mt-4 text-sm text-slate-600">No days blocked.</p>
            )}
          </Card>
        </>
      ) : null}
    </div>
  );
}
