import "server-only";
import { actorsBrandId, assertRole, inActorsBrand, isPlatformAdmin, type Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logger";
import { parseTracePayload } from "@/lib/trace/events";
import { readTrace } from "@/lib/trace/service";
import {
  computeSessionMetrics,
  evaluateThresholds,
  metricEventTypes,
  splitByRoomKind,
  type MetricThresholds,
} from "./metrics";
import { bookingIdFromRoom } from "@/lib/sessions/rules/token-policy";
import { metricsPeriod, sessionSearch } from "./schemas";
import { buildSessionStory } from "./story";
import { judgeRoomRecordings, recordingCompleteness } from "@/lib/recordings/completeness";

/** What a story shows of each payment (who paid, Stripe's ids, refunds). */
const paymentsForStory = {
  orderBy: { createdAt: "asc" },
  select: {
    id: true,
    status: true,
    amountCents: true,
    currency: true,
    refundedCents: true,
    paidAt: true,
    createdAt: true,
    reviewReason: true,
    stripeCheckoutSessionId: true,
    stripePaymentIntentId: true,
    payer: { select: { name: true, email: true } },
    refunds: {
      orderBy: { createdAt: "asc" },
      select: {
        id: true,
        amountCents: true,
        status: true,
        reason: true,
        stripeRefundId: true,
        createdAt: true,
        updatedAt: true,
      },
    },
  },
} satisfies Prisma.Booking$paymentsArgs;

/** What a story shows of the room: LiveKit's names, its connections and recordings. */
const roomForStory = {
  select: {
    id: true,
    roomName: true,
    livekitRoomSid: true,
    status: true,
    startedAt: true,
    endedAt: true,
    closedAt: true,
    settledAt: true,
    outcome: true,
    connections: { orderBy: [{ createdAt: "asc" }, { attempt: "asc" }] },
    recordings: {
      orderBy: { createdAt: "asc" },
      select: {
        id: true,
        egressId: true,
        status: true,
        source: true,
        identity: true,
        startedAt: true,
        endedAt: true,
        durationMs: true,
        sizeBytes: true,
        storageKey: true,
        deletedAt: true,
        error: true,
      },
    },
  },
} satisfies Prisma.Booking$roomSessionArgs;

/**
 * Admin: everything support needs about one session on one page — the booking, who paid, payments
 * and refunds, the room and its connections, recordings, and the story built from the trace. A booking of
 * another brand is missing to a brand's admin (platform admins see every brand's).
 */
export async function getSessionStory(actor: Actor, bookingId: string) {
  assertRole(actor, ["admin"]);
  const booking = await db.booking.findFirst({
    where: { id: bookingId, creator: { user: inActorsBrand(actor) } },
    select: {
      id: true,
      traceId: true,
      status: true,
      startsAt: true,
      endsAt: true,
      priceCents: true,
      currency: true,
      createdAt: true,
      offering: { select: { title: true, durationMinutes: true } },
      viewer: { select: { id: true, name: true, email: true } },
      creator: { select: { displayName: true, userId: true, user: { select: { email: true } } } },
      payments: paymentsForStory,
      roomSession: roomForStory,
    },
  });
  if (!booking) throw new AppError("not_found", "No session with this booking id.");
  const trace = await readTrace(booking.traceId);
  const story = buildSessionStory({
    events: trace,
    connections: booking.roomSession?.connections ?? [],
    payments: booking.payments,
    people: {
      viewer: { userId: booking.viewer.id, name: booking.viewer.name },
      creator: { userId: booking.creator.userId, name: booking.creator.displayName },
    },
  });
  const { roomSession } = booking;
  return {
    subject: {
      kind: "booking" as "booking" | "ticket",
      id: booking.id,
      traceId: booking.traceId,
      status: booking.status as string,
      title: booking.offering.title,
      startsAt: booking.startsAt,
      durationMinutes: booking.offering.durationMinutes,
      payments: booking.payments,
      href: `/bookings/${booking.id}`,
    },
    viewer: booking.viewer,
    creator: { userId: booking.creator.userId, name: booking.creator.displayName, email: booking.creator.user.email },
    room: roomSession ? (({ connections: _c, ...r }) => r)(roomSession) : null,
    recordingVerdict: roomSession ? await judgeRoomRecordings(roomSession.id) : { verdict: null, tracks: [] },
    story,
  };
}
export type SupportStory = Awaited<ReturnType<typeof getSessionStory>>;

/**
 * Admin: one ticket's story, as a session's — the ticket holder is the viewer, the show's creator the
 * creator. Its events are the ticket's trace (payment, the holder's tokens, joins, paths, tips' and
 * moderation's events about them) and the show's (the room, the creator's side); its connections, those
 * two people's in the show's room; its tips, the holder's tips in that room. Another brand's ticket is
 * missing to a brand's admin.
 */
export async function getTicketStory(actor: Actor, ticketId: string): Promise<SupportStory> {
  assertRole(actor, ["admin"]);
  const ticket = await db.ticket.findFirst({
    where: { id: ticketId, event: { creator: { user: inActorsBrand(actor) } } },
    select: {
      id: true,
      traceId: true,
      status: true,
      viewer: { select: { id: true, name: true, email: true } },
      payments: paymentsForStory,
      event: {
        select: {
          id: true,
          traceId: true,
          title: true,
          startsAt: true,
          endsAt: true,
          creator: { select: { displayName: true, userId: true, user: { select: { email: true } } } },
          roomSession: roomForStory,
        },
      },
    },
  });
  if (!ticket) throw new AppError("not_found", "No ticket with this id.");
  const { event, viewer } = ticket;
  const room = event.roomSession;
  const people = [viewer.id, event.creator.userId];
  const tips = room
    ? await db.tip.findMany({
        where: { roomSessionId: room.id, fromUserId: viewer.id },
        select: { traceId: true, payments: paymentsForStory },
      })
    : [];
  const traces = await Promise.all(
    [ticket.traceId, event.traceId, ...tips.map((t) => t.traceId)].map((t) => readTrace(t)),
  );
  const events = traces
    .flat()
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || Number(a.id) - Number(b.id));
  const payments = [...ticket.payments, ...tips.flatMap((t) => t.payments)];
  const story = buildSessionStory({
    events,
    connections: (room?.connections ?? []).filter((c) => people.includes(c.userId ?? c.identity)),
    payments,
    people: {
      viewer: { userId: viewer.id, name: viewer.name },
      creator: { userId: event.creator.userId, name: event.creator.displayName },
    },
  });
  return {
    subject: {
      kind: "ticket",
      id: ticket.id,
      traceId: ticket.traceId,
      status: ticket.status,
      title: `Ticket: ${event.title}`,
      startsAt: event.startsAt,
      durationMinutes: Math.round((event.endsAt.getTime() - event.startsAt.getTime()) / 60_000),
      payments,
      href: `/admin/shows/${event.id}`,
    },
    viewer,
    creator: { userId: event.creator.userId, name: event.creator.displayName, email: event.creator.user.email },
    room: room ? (({ connections: _c, ...r }) => r)(room) : null,
    // Group shows are not recorded yet.
    recordingVerdict: { verdict: null, tracks: [] },
    story,
  };
}

export type SessionSearchResult = Awaited<ReturnType<typeof searchSessions>>;

/**
 * Admin: sessions matching what support was handed — an email (part of it is enough), a booking id,
 * a Stripe checkout (cs_…) or payment-intent (pi_…) id, a LiveKit room name, room SID (RM_…) or
 * participant SID (PA_…). At most 50, the latest session first. A too-short query is a 422. A brand's
 * admin finds their brand's sessions and tickets only.
 */
export async function searchSessions(actor: Actor, raw: string | undefined) {
  assertRole(actor, ["admin"]);
  const { q } = sessionSearch.parse({ q: raw ?? "" });
  const ids = [q, bookingIdFromRoom(q)].filter((s): s is string => !!s);
  const inBrand = { creator: { user: inActorsBrand(actor) } };
  const where: Prisma.BookingWhereInput = {
    ...inBrand,
    OR: [
      { id: { in: ids } },
      { viewer: { email: { contains: q, mode: "insensitive" } } },
      { creator: { user: { email: { contains: q, mode: "insensitive" } } } },
      { payments: { some: { OR: [{ stripeCheckoutSessionId: q }, { stripePaymentIntentId: q }] } } },
      {
        roomSession: {
          is: { OR: [{ roomName: q }, { livekitRoomSid: q }, { connections: { some: { livekitParticipantSid: q } } }] },
        },
      },
    ],
  };
  const rows = await db.booking.findMany({
    where,
    orderBy: [{ startsAt: "desc" }, { id: "desc" }],
    take: 50,
    select: {
      id: true,
      status: true,
      startsAt: true,
      endsAt: true,
      priceCents: true,
      currency: true,
      offering: { select: { title: true } },
      viewer: { select: { name: true, email: true } },
      creator: { select: { displayName: true, user: { select: { email: true } } } },
      payments: { select: { status: true, stripeCheckoutSessionId: true, stripePaymentIntentId: true } },
      roomSession: { select: { roomName: true, livekitRoomSid: true, status: true, outcome: true } },
    },
  });
  const lower = q.toLowerCase();
  const tickets = await db.ticket.findMany({
    where: {
      event: inBrand,
      OR: [
        { id: q },
        { eventId: q },
        { viewer: { email: { contains: q, mode: "insensitive" } } },
        { event: { creator: { user: { email: { contains: q, mode: "insensitive" } } } } },
        { payments: { some: { OR: [{ stripeCheckoutSessionId: q }, { stripePaymentIntentId: q }] } } },
        { event: { roomSession: { is: { OR: [{ roomName: q }, { livekitRoomSid: q }] } } } },
      ],
    },
    orderBy: [{ event: { startsAt: "desc" } }, { id: "desc" }],
    take: 50,
    select: {
      id: true,
      status: true,
      viewer: { select: { name: true, email: true } },
      event: { select: { id: true, title: true, startsAt: true, creator: { select: { displayName: true } } } },
    },
  });
  return {
    q,
    tickets,
    results: rows.map((b) => ({
      ...b,
      // Which key found it, so support sees at once why a row is in the list.
      matchedBy: ids.includes(b.id)
        ? "booking id"
        : b.payments.some((p) => p.stripeCheckoutSessionId === q)
          ? "Stripe checkout"
          : b.payments.some((p) => p.stripePaymentIntentId === q)
            ? "Stripe payment intent"
            : b.roomSession?.roomName === q
              ? "room name"
              : b.roomSession?.livekitRoomSid === q
                ? "room SID"
                : b.viewer.email.toLowerCase().includes(lower)
                  ? "viewer email"
                  : b.creator.user.email.toLowerCase().includes(lower)
                    ? "creator email"
                    : "participant SID",
    })),
  };
}

const DAY = 86_400_000;
/** The longest period the metrics page reads at once (the trace of a year is enough to judge a trend). */
export const MAX_METRICS_DAYS = 366;

export function metricThresholds(): MetricThresholds {
  return {
    minSetupSuccess: env.METRIC_MIN_SETUP_SUCCESS,
    maxRelayShare: env.METRIC_MAX_RELAY_SHARE,
    maxRetryRate: env.METRIC_MAX_RETRY_RATE,
    maxJoinToMediaP50Ms: env.METRIC_MAX_JOIN_TO_MEDIA_P50_MS,
    maxJoinToMediaP95Ms: env.METRIC_MAX_JOIN_TO_MEDIA_P95_MS,
  };
}

/**
 * The period of the metrics page: UTC dates, both inclusive; by default the last 7 days up to today.
 * Throws a 422 the page can show for a reversed or too-long period.
 */
export function resolveMetricsPeriod(raw: { from?: string; to?: string }, now = new Date()) {
  const input = metricsPeriod.parse({ from: raw.from || undefined, to: raw.to || undefined });
  const today = now.toISOString().slice(0, 10);
  const to = input.to ?? today;
  const from = input.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 6 * DAY).toISOString().slice(0, 10);
  const start = new Date(`${from}T00:00:00Z`);
  const end = new Date(Date.parse(`${to}T00:00:00Z`) + DAY);
  if (start >= end)
    throw new AppError("invalid", "The period starts after it ends: pick a “from” date on or before the “to” date.", {
      from: ["must be on or before “to”"],
    });
  if (end.getTime() - start.getTime() > MAX_METRICS_DAYS * DAY)
    throw new AppError("invalid", `Pick a period of at most ${MAX_METRICS_DAYS} days.`, {
      from: [`at most ${MAX_METRICS_DAYS} days before “to”`],
    });
  return { from, to, start, end };
}

/**
 * The brand whose figures the metrics page shows: a brand's admin always their own; a platform admin every
 * brand (null) or the one they pick by slug (an unknown slug is a 422), with the brands to pick from.
 */
async function metricsBrand(actor: Actor, slug: string | undefined) {
  if (!isPlatformAdmin(actor)) return { brandId: actorsBrandId(actor), slug: null, brands: null };
  const brands = await db.brand.findMany({ orderBy: { slug: "asc" }, select: { id: true, slug: true } });
  if (!slug) return { brandId: null, slug: null, brands };
  const picked = brands.find((b) => b.slug === slug);
  if (!picked)
    throw new AppError("invalid", `There is no brand “${slug}”: pick one from the list.`, { brand: ["unknown brand"] });
  return { brandId: picked.id, slug: picked.slug, brands };
}

/**
 * Admin: the session metrics of a period, computed from the trace, each beside its threshold from the
 * environment. Every breach is logged as a warning, so an alert can follow the log. A brand's admin sees
 * their brand's sessions only; a platform admin every brand's, or one brand's (`brand`: its slug).
 */
export async function getSessionMetrics(
  actor: Actor,
  raw: { from?: string; to?: string; brand?: string },
  now = new Date(),
) {
  assertRole(actor, ["admin"]);
  const period = resolveMetricsPeriod(raw, now);
  const brand = await metricsBrand(actor, raw.brand || undefined);
  const events = await loadMetricEvents(period.start, period.end, brand.brandId);
  const metrics = computeSessionMetrics(events);
  const byRoomKind = splitByRoomKind(events);
  const evaluations = evaluateThresholds(metrics, metricThresholds());
  // Recording completeness: the share of recorded tracks whose file covers the time their media flowed.
  const rec = await recordingCompleteness(period.start, period.end, brand.brandId);
  const recording = {
    ...rec,
    threshold: env.METRIC_MIN_RECORDING_COMPLETENESS,
    breached: rec.share !== null && rec.share < env.METRIC_MIN_RECORDING_COMPLETENESS,
  };
  if (recording.breached)
    logger.warn(
      {
        metric: "recordingCompleteness",
        value: rec.share,
        threshold: recording.threshold,
        from: period.from,
        brandId: brand.brandId,
      },
      "session metric breached threshold",
    );
  for (const e of evaluations) {
    if (e.breached)
      logger.warn(
        {
          metric: e.key,
          value: e.value,
          threshold: e.threshold,
          from: period.from,
          to: period.to,
          brandId: brand.brandId,
        },
        "session metric breached threshold",
      );
  }
  return {
    period: { from: period.from, to: period.to },
    /** The brand shown (its slug; null: every brand, or a brand admin's own) and, for a platform admin, the choice. */
    brand: { slug: brand.slug, brands: brand.brands },
    metrics,
    byRoomKind: {
      private: computeSessionMetrics(byRoomKind.private),
      group: computeSessionMetrics(byRoomKind.group),
    },
    evaluations,
    recording,
    events: events.length,
  };
}

/**
 * The traces of one brand's purchases and shows (the brand of their creator): SQL for `"traceId" IN (…)`.
 */
const tracesOfBrand = (brandId: string) => Prisma.sql`
  SELECT b."traceId" FROM bookings b JOIN creator_profiles c ON c.id = b."creatorId"
    JOIN users u ON u.id = c."userId" WHERE u."brandId" = ${brandId}
  UNION ALL SELECT g."traceId" FROM group_events g JOIN creator_profiles c ON c.id = g."creatorId"
    JOIN users u ON u.id = c."userId" WHERE u."brandId" = ${brandId}
  UNION ALL SELECT t."traceId" FROM tickets t JOIN group_events g ON g.id = t."eventId"
    JOIN creator_profiles c ON c.id = g."creatorId" JOIN users u ON u.id = c."userId" WHERE u."brandId" = ${brandId}
  UNION ALL SELECT tp."traceId" FROM tips tp JOIN creator_profiles c ON c.id = tp."creatorId"
    JOIN users u ON u.id = c."userId" WHERE u."brandId" = ${brandId}`;

/**
 * The trace events the session metrics read, in [start, end), each through its schema: one that fails it
 * (an old or foreign writer) is left out and counted in a warning. `brandId`: only the traces of that brand's
 * sessions (null: every brand's). No authorisation: callers check it.
 */
export async function loadMetricEvents(start: Date, end: Date, brandId: string | null = null) {
  const rows = await db.$queryRaw<
    { id: bigint; traceId: string; type: string; actorId: string | null; payload: unknown; occurredAt: Date }[]
  >`SELECT te.id, te."traceId", te.type, te."actorId", te.payload, te."occurredAt"
      FROM trace_events te
     WHERE te.type = ANY(${[...metricEventTypes]}::text[]) AND te."occurredAt" >= ${start} AND te."occurredAt" < ${end}
       AND ${brandId === null ? Prisma.sql`true` : Prisma.sql`te."traceId" IN (${tracesOfBrand(brandId)})`}`;
  // Each row through its schema: one that fails it (an old or foreign writer) is left out and counted.
  let unreadable = 0;
  const events = rows.flatMap((r) => {
    const read = parseTracePayload(r.type, r.payload);
    if (read.ok) return [{ ...r, payload: read.payload }];
    unreadable++;
    return [];
  });
  if (unreadable)
    logger.warn(
      { unreadable, from: start.toISOString(), to: end.toISOString() },
      "trace events failing their schema left out of metrics",
    );
  return events;
}
