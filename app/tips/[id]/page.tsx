import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { RefreshWhile } from "@/components/bookings/refresh-while";
import { Card } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { formatMoney } from "@/lib/money";
import { getTipPage } from "@/lib/tips/service";

export const metadata: Metadata = { title: "Your tip" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ checkout?: string }> };

const said = {
  pending_payment: "Waiting for the payment to be confirmed… this page updates by itself.",
  paid: "Thank you! Your tip was paid and shown in the room.",
  failed: "This tip was not paid: the payment was cancelled or expired. Nothing was charged.",
  refunded: "This tip was refunded.",
} as const;

// Where the tip's checkout comes back to (in its own tab): the tipper only. You can close it; the room stays open.
export default async function TipPage({ params, searchParams }: Props) {
  const { id } = await params;
  const { checkout } = await searchParams;
  const user = await requirePageUser(`/tips/${id}`);
  const tip = await getTipPage(user, id).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const waiting = tip.status === "pending_payment" && checkout !== "cancelled";
  return (
    <Card title={`Your tip for ${tip.creator.displayName}`}>
      <div className="space-y-3" data-testid="tip-page" data-status={tip.status}>
        <p className="text-2xl font-semibold">{formatMoney(tip.amountCents, tip.currency)}</p>
        {tip.message ? <p>“{tip.message}”</p> : null}
        <p role="status">
          {checkout === "cancelled" && tip.status === "pending_payment"
            ? "You left the payment; nothing was charged."
            : said[tip.status]}
        </p>
        <RefreshWhile active={waiting} />
        <p className="text-sm text-slate-600">
          You can close this tab.{" "}
          <Link className="underline" href={tip.back}>
            Back to the room
          </Link>
        </p>
      </div>
    </Card>
  );
}
