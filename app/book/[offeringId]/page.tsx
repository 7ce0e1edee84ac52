import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { SlotPicker } from "@/components/bookings/slot-picker";
import { Card } from "@/components/ui/card";
import { getCurrentUser } from "@/lib/auth/session";
import { getRequestBrandId } from "@/lib/branding/queries";
import { cancellationPolicyText } from "@/lib/bookings/policy";
import { getBookableOffering, getOpenSlots } from "@/lib/bookings/queries";
import { env } from "@/lib/env";
import { formatMoney } from "@/lib/money";
import { platformRecordingNotice } from "@/lib/recordings/notice";

export const metadata: Metadata = { title: "Book a session" };
export const dynamic = "force-dynamic";

const WINDOW_DAYS = 14;

type Props = { params: Promise<{ offeringId: string }>; searchParams: Promise<{ week?: string; slot?: string }> };

export default async function BookPage({ params, searchParams }: Props) {
  const { offeringId } = await params;
  const brandId = await getRequestBrandId();
  const offering = await getBookableOffering(offeringId, brandId);
  if (!offering) notFound();
  // ?week=N shows the N-th two-week window (0 = from now), up to the offering's horizon.
  const maxWeek = Math.max(0, Math.ceil(offering.horizonDays / WINDOW_DAYS) - 1);
  const query = await searchParams;
  const week = Math.min(maxWeek, Math.max(0, Number.parseInt(query.week ?? "0", 10) || 0));
  const from = new Date(Date.now() + week * WINDOW_DAYS * 86_400_000);
  const [user, open] = await Promise.all([
    getCurrentUser(),
    getOpenSlots(offeringId, { from, days: WINDOW_DAYS }, brandId),
  ]);
  const price = formatMoney(offering.priceCents, offering.currency);
  const notice = platformRecordingNotice(offering.recordingPolicy);
  const slots = (open?.slots ?? []).map((s) => ({
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
  }));
  // The time picked before signing in, if it is still open (someone may have booked it meanwhile).
  const requested = query.slot && !Number.isNaN(Date.parse(query.slot)) ? new Date(query.slot).toISOString() : null;
  const initialSlot = requested && slots.some((s) => s.startsAt === requested) ? requested : null;
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-600">
          <Link href={`/creators/${offering.creator.slug}`} className="underline">
            {offering.creator.displayName}
          </Link>
        </p>
        <h1 className="text-2xl font-bold">{offering.title}</h1>
        <p className="text-slate-600">
          {offering.durationMinutes}-minute private video session · {price}
        </p>
      </div>
      <Card
        title="Pick a time"
        actions={
          <div className="flex gap-3 text-sm">
            {week > 0 ? (
              <Link className="underline" href={`/book/${offering.id}?week=${week - 1}`}>
                ← Earlier
              </Link>
            ) : null}
            {week < maxWeek ? (
              <Link className="underline" href={`/book/${offering.id}?week=${week + 1}`}>
                Later →
              </Link>
            ) : null}
          </div>
        }
      >
        {user?.id === offering.creator.userId ? (
          <p className="text-slate-600">This is your own offering; viewers book it here.</p>
        ) : (
          <>
            {requested && !initialSlot ? (
              <p
                role="status"
                className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900"
                data-testid="slot-gone"
              >
                The time you picked is no longer open. Please pick another.
              </p>
            ) : null}
            <SlotPicker
              key={week}
              offeringId={offering.id}
              signedIn={Boolean(user)}
              priceLabel={price}
              week={week}
              initialSlot={initialSlot}
              slots={slots}
            />
          </>
        )}
      </Card>
      <Card title="Before you pay">
        <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
          <li>Your time is held for {env.BOOKING_HOLD_MINUTES} minutes while you pay.</li>
          <li data-testid="cancellation-policy">{cancellationPolicyText(offering.freeCancellationHours)}</li>
          {notice ? <li data-testid="recording-notice">{notice}</li> : null}
        </ul>
      </Card>
    </div>
  );
}
