import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { SlotPicker } from "@/components/bookings/slot-picker";
import { Card } from "@/components/ui/card";
import { getCurrentUser } from "@/lib/auth/session";
import { cancellationPolicyText } from "@/lib/bookings/policy";
import { getBookableOffering, getOpenSlots } from "@/lib/bookings/queries";
import { env } from "@/lib/env";
import { formatMoney } from "@/lib/money";

export const metadata: Metadata = { title: "Book a session" };
export const dynamic = "force-dynamic";

const WINDOW_DAYS = 14;

type Props = { params: Promise<{ offeringId: string }>; searchParams: Promise<{ week?: string }> };

export default async function BookPage({ params, searchParams }: Props) {
  const { offeringId } = await params;
  const offering = await getBookableOffering(offeringId);
  if (!offering) notFound();
  // ?week=N shows the N-th two-week window (0 = from now), up to the offering's horizon.
  const maxWeek = Math.max(0, Math.ceil(offering.horizonDays / WINDOW_DAYS) - 1);
  const week = Math.min(maxWeek, Math.max(0, Number.parseInt((await searchParams).week ?? "0", 10) || 0));
  const from = new Date(Date.now() + week * WINDOW_DAYS * 86_400_000);
  const [user, open] = await Promise.all([getCurrentUser(), getOpenSlots(offeringId, { from, days: WINDOW_DAYS })]);
  const price = formatMoney(offering.priceCents, offering.currency);
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-600">
          <Link href={`/creators/${offering.creator.slug}`} className="underline">{offering.creator.displayName}</Link>
        </p>
        <h1 className="text-2xl font-bold">{offering.title}</h1>
        <p className="text-slate-600">{offering.durationMinutes}-minute private video session · {price}</p>
      </div>
      <Card
        title="Pick a time"
        actions={
          <div className="flex gap-3 text-sm">
            {week > 0 ? <Link className="underline" href={`/book/${offering.id}?week=${week - 1}`}>← Earlier</Link> : null}
            {week < maxWeek ? <Link className="underline" href={`/book/${offering.id}?week=${week + 1}`}>Later →</Link> : null}
          </div>
        }
      >
        {user?.id === offering.creator.userId ? (
          <p className="text-slate-600">This is your own offering; viewers book it here.</p>
        ) : (
          <SlotPicker key={week} offeringId={offering.id} signedIn={Boolean(user)} priceLabel={price} slots={(open?.slots ?? []).map((s) => ({ startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() }))} />
        )}
      </Card>
      <Card title="Before you pay">
        <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
          <li>Your time is held for {env.BOOKING_HOLD_MINUTES} minutes while you pay.</li>
          <li data-testid="cancellation-policy">{cancellationPolicyText(offering.freeCancellationHours)}</li>
        </ul>
      </Card>
    </div>
  );
}
