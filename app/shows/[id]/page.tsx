import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { RefreshWhile } from "@/components/bookings/refresh-while";
import { BuyTicketForm, CancelShowForm, CancelTicketForm } from "@/components/shows/show-forms";
import { Badge, Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { getCurrentUser } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { getRequestBrandId } from "@/lib/branding/queries";
import { getShowPage } from "@/lib/shows/queries";

export const metadata: Metadata = { title: "Live show" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ checkout?: string }> };

const statusBadge = {
  scheduled: { tone: "neutral", text: "Upcoming" },
  live: { tone: "good", text: "Live now" },
  ended: { tone: "neutral", text: "Ended" },
  cancelled: { tone: "bad", text: "Cancelled" },
} as const;

// A show's public page: what, when (in the reader's time zone), seats left, and what the reader can do.
export default async function ShowPage({ params, searchParams }: Props) {
  const { id } = await params;
  const { checkout } = await searchParams;
  const user = await getCurrentUser();
  const show = await getShowPage(user, id, await getRequestBrandId());
  if (!show) notFound();
  const badge = statusBadge[show.status];
  const awaiting = checkout === "success" && show.ticket?.status === "pending_payment";
  const price = formatMoney(show.priceCents, show.currency);

  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link className="text-brand underline" href={`/creators/${show.creator.slug}`}>
            {show.creator.name}
          </Link>
        </p>
        <h1 className="text-3xl font-bold">
          {show.title} <Badge tone={badge.tone}>{badge.text}</Badge>
        </h1>
        <p className="text-slate-600">
          <LocalTime iso={show.startsAt} /> to <LocalTime iso={show.endsAt} /> · live group show
        </p>
      </div>
      {show.description ? <p className="max-w-3xl whitespace-pre-line">{show.description}</p> : null}

      <Card title="Your ticket">
        <div className="space-y-3" data-testid="show-ticket">
          <p>
            <span className="text-lg font-semibold">{price}</span> per ticket ·{" "}
            <span data-testid="seats-left">
              {show.status === "cancelled" || show.status === "ended"
                ? `${show.capacity} seats`
                : `${show.seatsLeft} of ${show.capacity} seats left`}
            </span>
          </p>
          {show.status === "cancelled" ? (
            <p data-testid="show-cancelled">
              This show was cancelled{show.cancelReason ? `: “${show.cancelReason}”` : "."} Every ticket was refunded in
              full.
            </p>
          ) : show.status === "ended" ? (
            <p>This show is over.</p>
          ) : show.isCreator ? (
            <p>
              This is your show. Your room opens at <LocalTime iso={show.opensAt} />.
            </p>
          ) : show.ticket?.status === "paid" ? (
            <p data-testid="ticket-paid">
              <Badge tone="good">You have a ticket</Badge> The room opens at <LocalTime iso={show.opensAt} />. We
              emailed you the ticket with a calendar invitation.
            </p>
          ) : awaiting ? (
            <p role="status" data-testid="ticket-confirming">
              Confirming your payment… this page updates by itself.
            </p>
          ) : show.resumeCheckoutUrl ? (
            <p>
              Your seat is held while you pay.{" "}
              <a className="font-semibold text-brand underline" href={show.resumeCheckoutUrl}>
                Finish paying
              </a>
            </p>
          ) : show.soldOut ? (
            <p data-testid="sold-out">Sold out. Seats come back when a hold lapses or a ticket is refunded.</p>
          ) : null}
          <RefreshWhile active={awaiting} />
          {show.canBuy ? (
            user ? (
              <BuyTicketForm eventId={show.id} label={`Buy a ticket · ${price}`} />
            ) : (
              <Link
                className="inline-block rounded-md bg-brand px-4 py-2 text-sm font-semibold text-on-brand"
                href={`/signin?callbackUrl=${encodeURIComponent(`/shows/${show.id}`)}`}
              >
                Sign in to buy a ticket
              </Link>
            )
          ) : null}
          {show.canJoin ? (
            <Link
              href={`/shows/${show.id}/room`}
              data-testid="join-show"
              className="inline-block rounded-md bg-brand px-4 py-2 text-sm font-semibold text-on-brand"
            >
              {show.isCreator ? "Open your room" : "Join the show"}
            </Link>
          ) : null}
          {show.canCancelTicket && show.ticket ? (
            <CancelTicketForm
              eventId={show.id}
              ticketId={show.ticket.id}
              consequence={
                show.cancelRefunds
                  ? `You get ${price} back in full.`
                  : `It is less than ${show.freeCancellationHours} hours before the show, so the ticket is not refunded.`
              }
            />
          ) : null}
        </div>
      </Card>

      {show.canCancelShow ? (
        <Card title="Cancel the show">
          <CancelShowForm eventId={show.id} sold={show.capacity - show.seatsLeft} />
        </Card>
      ) : null}
    </div>
  );
}
