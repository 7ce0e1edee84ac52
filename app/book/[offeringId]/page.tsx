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

export default async function BookPage({ params }: { params: Promise<{ offeringId: string }> }) {
  const { offeringId } = await params;
  const offering = await getBookableOffering(offeringId);
  if (!offering) notFound();
  const [user, open] = await Promise.all([getCurrentUser(), getOpenSlots(offeringId, { days: 14 })]);
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
      <Card title="Pick a time">
        {user?.id === offering.creator.userId ? (
          <p className="text-slate-600">This is your own offering; viewers book it here.</p>
        ) : (
          <SlotPicker offeringId={offering.id} signedIn={Boolean(user)} priceLabel={price} slots={(open?.slots ?? []).map((s) => ({ startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() }))} />
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
