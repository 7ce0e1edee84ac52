import "server-only";
import { assertRole, inActorsBrand, isAdminOfBrand, type Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { sessionWindow } from "@/lib/sessions/rules/token-policy";
import { windowConfig } from "@/lib/sessions/service";
import { ON_SALE } from "./state";

/**
 * A show's public page (view model): what it is, when, seats left, and what the asker can do — buy a
 * ticket, finish a held one, join the room, cancel their ticket — decided here, not in JSX.
 */
export async function getShowPage(actor: Actor | null, eventId: string, brandId: string, now = new Date()) {
  // A show is on its creator's brand only (`brandId`: the request's); elsewhere it does not exist.
  const show = await db.groupEvent.findFirst({
    where: { id: eventId, creator: { user: { brandId } } },
    select: {
      id: true,
      title: true,
      startsAt: true,
      endsAt: true,
      capacity: true,
      ticketsSold: true,
      priceCents: true,
      currency: true,
      status: true,
      freeCancellationHours: true,
      cancelReason: true,
      offering: { select: { description: true } },
      creator: {
        select: { displayName: true, slug: true, userId: true, published: true, user: { select: { brandId: true } } },
      },
    },
  });
  if (!show) return null;
  const isCreator = actor?.id === show.creator.userId;
  const isAdmin = !!actor && isAdminOfBrand(actor, show.creator.user.brandId);
  if (!show.creator.published && !isCreator && !isAdmin) return null;
  const ticket = actor
    ? await db.ticket.findUnique({
        where: { eventId_viewerId: { eventId, viewerId: actor.id } },
        select: {
          id: true,
          status: true,
          holdExpiresAt: true,
          payments: {
            where: { status: "pending" },
            orderBy: { createdAt: "desc" },
            take: 1,
            select: { checkoutUrl: true, checkoutExpiresAt: true },
          },
        },
      })
    : null;
  const window = sessionWindow(show, windowConfig());
  const onSale = ON_SALE.has(show.status) && show.endsAt > now;
  const seatsLeft = Math.max(0, show.capacity - show.ticketsSold);
  const held =
    ticket?.status === "pending_payment" && ticket.holdExpiresAt && ticket.holdExpiresAt > now ? ticket : null;
  const roomOpen = onSale && now >= window.opensAt && now < window.closesAt;
  const hasTicket = ticket?.status === "paid";
  return {
    id: show.id,
    title: show.title,
    description: show.offering.description,
    creator: { name: show.creator.displayName, slug: show.creator.slug },
    startsAt: show.startsAt.toISOString(),
    endsAt: show.endsAt.toISOString(),
    opensAt: window.opensAt.toISOString(),
    priceCents: show.priceCents,
    currency: show.currency,
    capacity: show.capacity,
    seatsLeft,
    status: show.status,
    cancelReason: show.cancelReason,
    freeCancellationHours: show.freeCancellationHours,
    isCreator,
    ticket: ticket ? { id: ticket.id, status: ticket.status } : null,
    /** What the page offers. */
    canBuy: onSale && !isCreator && !hasTicket && !held && seatsLeft > 0,
    soldOut: onSale && !hasTicket && !held && seatsLeft === 0,
    resumeCheckoutUrl: held?.payments[0]?.checkoutUrl ?? null,
    canJoin: roomOpen && (hasTicket || isCreator),
    canCancelTicket: hasTicket && show.startsAt > now && onSale,
    cancelRefunds: hasTicket && (show.startsAt.getTime() - now.getTime()) / 3_600_000 >= show.freeCancellationHours,
    canCancelShow: (isCreator || isAdmin) && onSale,
  };
}

export type ShowPage = NonNullable<Awaited<ReturnType<typeof getShowPage>>>;

/** An admin of the show's brand (`brandId`: its creator's), or a platform admin: the show's staff with its creator. */
/** A creator's upcoming shows, for their public profile. */
export function listUpcomingShows(creatorId: string, now = new Date()) {
  return db.groupEvent.findMany({
    where: { creatorId, status: { in: ["scheduled", "live"] }, endsAt: { gt: now } },
    orderBy: { startsAt: "asc" },
    take: 20,
    select: {
      id: true,
      title: true,
      startsAt: true,
      endsAt: true,
      capacity: true,
      ticketsSold: true,
      priceCents: true,
      currency: true,
      status: true,
    },
  });
}

/** Studio: the creator's group-room offerings (to schedule from) and their shows, upcoming first. */
export async function getStudioShows(actor: Actor) {
  const profile = await db.creatorProfile.findUnique({ where: { userId: actor.id }, select: { id: true } });
  if (!profile) return null;
  const [offerings, shows] = await Promise.all([
    db.offering.findMany({
      where: { creatorId: profile.id, kind: "group_room", active: true },
      select: { id: true, title: true, durationMinutes: true, capacity: true, priceCents: true, currency: true },
    }),
    db.groupEvent.findMany({
      where: { creatorId: profile.id },
      orderBy: { startsAt: "desc" },
      take: 100,
      select: {
        id: true,
        title: true,
        startsAt: true,
        endsAt: true,
        capacity: true,
        ticketsSold: true,
        priceCents: true,
        currency: true,
        status: true,
      },
    }),
  ]);
  return { offerings, shows };
}

/** A viewer's tickets (not the lapsed holds), soonest show first. */
export function listViewerTickets(viewerId: string) {
  return db.ticket.findMany({
    where: { viewerId, status: { in: ["pending_payment", "paid", "cancelled", "refunded"] } },
    orderBy: { event: { startsAt: "asc" } },
    take: 100,
    select: {
      id: true,
      status: true,
      event: {
        select: { id: true, title: true, startsAt: true, status: true, creator: { select: { displayName: true } } },
      },
    },
  });
}

/** An admin's (of the show's brand) or the creator's view that a show exists (for the support page), else 404. */
export async function requireShowForStaff(actor: Actor, eventId: string) {
  const show = await db.groupEvent.findUnique({
    where: { id: eventId },
    select: { id: true, creator: { select: { userId: true, user: { select: { brandId: true } } } } },
  });
  if (!show || (show.creator.userId !== actor.id && !isAdminOfBrand(actor, show.creator.user.brandId)))
    throw new AppError("not_found", "No such show.");
  return show;
}

/**
 * Admin: a show's page for support and moderation — the show, every ticket (its holder, status, what was
 * paid and refunded, a link to its story), who is in the live room now (as LiveKit's webhooks told Booth),
 * and its tips. Another brand's show is missing to a brand's admin.
 */
export async function getShowAdminPage(actor: Actor, eventId: string) {
  assertRole(actor, ["admin"]);
  const show = await db.groupEvent.findFirst({
    where: { id: eventId, creator: { user: inActorsBrand(actor) } },
    select: {
      id: true,
      traceId: true,
      title: true,
      startsAt: true,
      endsAt: true,
      status: true,
      capacity: true,
      ticketsSold: true,
      priceCents: true,
      currency: true,
      cancelReason: true,
      creator: { select: { displayName: true, userId: true } },
      tickets: {
        orderBy: { createdAt: "asc" },
        select: {
          id: true,
          status: true,
          viewer: { select: { id: true, name: true, email: true } },
          payments: { select: { status: true, amountCents: true, refundedCents: true, currency: true } },
        },
      },
      roomSession: {
        select: {
          id: true,
          roomName: true,
          livekitRoomSid: true,
          closedAt: true,
          connections: {
            where: { joinedAt: { not: null }, leftAt: null },
            select: { identity: true, user: { select: { name: true } }, publishedSources: true },
          },
          tips: {
            where: { status: { in: ["paid", "refunded"] } },
            select: {
              id: true,
              amountCents: true,
              currency: true,
              status: true,
              message: true,
              fromUser: { select: { name: true } },
            },
          },
        },
      },
    },
  });
  if (!show) throw new AppError("not_found", "No such show.");
  const inRoom = new Map<string, { identity: string; name: string; mic: boolean; camera: boolean }>();
  for (const c of show.roomSession?.connections ?? []) {
    if (c.identity === show.creator.userId) continue;
    inRoom.set(c.identity, {
      identity: c.identity,
      name: c.user?.name ?? c.identity,
      mic: c.publishedSources.includes("microphone"),
      camera: c.publishedSources.includes("camera"),
    });
  }
  return { ...show, inRoom: [...inRoom.values()] };
}
