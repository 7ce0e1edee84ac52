import type { Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { buyTicket } from "@/lib/shows/service";
import { deliver, signedEvent } from "./bookings";
import { createCreator } from "./factories";

/** A group show of a fresh creator, `startsInMinutes` from now (its room opens before the start). */
export async function scheduledShow(
  opts: { capacity?: number; startsInMinutes?: number; priceCents?: number; durationMinutes?: number } = {},
) {
  const creator = await createCreator();
  const minutes = opts.durationMinutes ?? 60;
  const offering = await db.offering.create({
    data: {
      creatorId: creator.profile.id,
      kind: "group_room",
      title: "Live drawing class",
      durationMinutes: minutes,
      priceCents: opts.priceCents ?? 1500,
      currency: "EUR",
      capacity: opts.capacity ?? 10,
    },
  });
  const startsAt = new Date(Date.now() + (opts.startsInMinutes ?? 24 * 60) * 60_000);
  const event = await db.groupEvent.create({
    data: {
      offeringId: offering.id,
      creatorId: creator.profile.id,
      title: "Live drawing class",
      startsAt,
      endsAt: new Date(startsAt.getTime() + minutes * 60_000),
      capacity: opts.capacity ?? 10,
      priceCents: opts.priceCents ?? 1500,
      currency: "EUR",
    },
  });
  return { creator, event };
}

/** checkout.session.completed (or another checkout event, fields overridden) as Stripe sends it for a ticket's payment. */
export function ticketCheckoutSession(
  p: {
    id: string;
    traceId: string;
    ticketId: string | null;
    amountCents: number;
    currency: string;
    stripeCheckoutSessionId: string | null;
  },
  over: Record<string, unknown> = {},
) {
  return {
    id: p.stripeCheckoutSessionId,
    object: "checkout.session",
    mode: "payment",
    status: "complete",
    payment_status: "paid",
    amount_total: p.amountCents,
    currency: p.currency.toLowerCase(),
    client_reference_id: p.ticketId,
    metadata: { ticketId: p.ticketId, purchaseKind: "ticket", traceId: p.traceId, paymentId: p.id },
    payment_intent: `pi_${p.id}`,
    ...over,
  };
}

/** Pays a held ticket's latest checkout with a signed checkout.session.completed over HTTP. */
export async function payTicket(ticketId: string) {
  const p = await db.payment.findFirstOrThrow({ where: { ticketId }, orderBy: { createdAt: "desc" } });
  const res = await deliver(signedEvent("checkout.session.completed", ticketCheckoutSession(p)));
  if (res.status !== 200) throw new Error(`ticket payment not accepted: ${res.status} ${JSON.stringify(res.body)}`);
  return p;
}

/** A paid ticket: held through the service, paid by a signed checkout.session.completed over HTTP. */
export async function paidTicket(viewer: Actor, eventId: string) {
  const { ticketId } = await buyTicket(viewer, eventId);
  return { ticketId, payment: await payTicket(ticketId) };
}
