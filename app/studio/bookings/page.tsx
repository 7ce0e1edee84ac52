import type { Metadata } from "next";
import Link from "next/link";
import { Badge, Card, EmptyState } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { requirePageRole } from "@/lib/auth/session";
import { getCreatorMoney } from "@/lib/bookings/queries";
import { formatMoney } from "@/lib/money";

export const metadata: Metadata = { title: "Bookings and earnings" };
export const dynamic = "force-dynamic";

const tone = {
  confirmed: "good",
  cancelled: "neutral",
  completed: "neutral",
  disputed: "bad",
  pending_payment: "warn",
  expired: "neutral",
} as const;

export default async function StudioBookingsPage() {
  const creator = await requirePageRole("/studio/bookings", "creator");
  const money = await getCreatorMoney(creator);
  if (!money) {
    return (
      <EmptyState title="No profile yet">
        <Link className="underline" href="/studio">
          Set up your profile
        </Link>{" "}
        to take bookings.
      </EmptyState>
    );
  }
  const list = (items: typeof money.upcoming, testId: string) =>
    items.length ? (
      <ul className="divide-y divide-slate-100" data-testid={testId}>
        {items.map((b) => (
          <li key={b.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
            <div>
              <Link href={`/bookings/${b.id}`} className="font-medium underline">
                {b.offering.title} with {b.viewer.name}
              </Link>
              <p className="text-sm text-slate-600">
                <LocalTime iso={b.startsAt.toISOString()} />
              </p>
            </div>
            <div className="flex items-center gap-3 text-sm">
              <span>{formatMoney(b.priceCents, b.currency)}</span>
              <Badge tone={tone[b.status]}>{b.status.replace("_", " ")}</Badge>
            </div>
          </li>
        ))}
      </ul>
    ) : (
      <p className="text-sm text-slate-600">None.</p>
    );
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Bookings and earnings</h1>
      <Card title="Earnings">
        {money.earnings.length ? (
          <div className="grid gap-4 sm:grid-cols-2" data-testid="earnings">
            {money.earnings.map((e) => (
              <dl
                key={e.currency}
                className="grid grid-cols-[1fr_auto] gap-x-6 gap-y-1 text-sm"
                aria-label={`Earnings in ${e.currency}`}
              >
                <dt className="text-slate-600">Gross ({e.currency})</dt>
                <dd className="text-right tabular-nums">{formatMoney(e.grossCents, e.currency)}</dd>
                <dt className="text-slate-600">Refunds</dt>
                <dd className="text-right tabular-nums">−{formatMoney(e.refundedCents, e.currency)}</dd>
                <dt className="text-slate-600">Platform fee ({money.feePercent}%)</dt>
                <dd className="text-right tabular-nums">−{formatMoney(e.feeCents, e.currency)}</dd>
                <dt className="border-t border-slate-200 pt-1 font-semibold">Net</dt>
                <dd className="border-t border-slate-200 pt-1 text-right font-semibold tabular-nums" data-testid="net">
                  {formatMoney(e.netCents, e.currency)}
                </dd>
              </dl>
            ))}
          </div>
        ) : null}
        {money.earnings.some((e) => e.disputedCents > 0) ? (
          <p className="mt-3 text-sm text-amber-800" data-testid="disputed-held">
            Held while disputed (not in the figures above until the dispute is won):{" "}
            {money.earnings
              .filter((e) => e.disputedCents > 0)
              .map((e) => formatMoney(e.disputedCents, e.currency))
              .join(", ")}
          </p>
        ) : null}
        {money.earnings.length ? null : <p className="text-sm text-slate-600">No paid bookings yet.</p>}
      </Card>
      <Card title="Upcoming">{list(money.upcoming, "upcoming-bookings")}</Card>
      <Card title="Past and cancelled">{list(money.past, "past-bookings")}</Card>
    </div>
  );
}
