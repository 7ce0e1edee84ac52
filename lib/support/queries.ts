import "server-only";
import { assertRole, type Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
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
 * and refunds, the room and its connections, recordings, and the story built from the trace.
 */
export async function getSessionStory(actor: Actor, bookingId: string) {
  assertRole(actor, ["admin"]);
  const booking = await db.booking.findUnique({
    where: { id: bookingId },
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
 * two people's in the show's room; its tips, the holder's tips in that room.
 */
export async function getTicketStory(actor: Actor, ticketId: string): Promise<SupportStory> {
  assertRole(actor, ["admin"]);
  const ticket = await db.ticket.findUnique({
    where: { id: ticketId },
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
 * participant SID (PA_…). At most 50, the latest session first. A too-short query is a 422.
 */
export async function searchSessions(actor: Actor, raw: string | undefined) {
  assertRole(actor, ["admin"]);
  const { q } = sessionSearch.parse({ q: raw ?? "" });
  const ids = [q, bookingIdFromRoom(q)].filter((s): s is string => !!s);
  const where: Prisma.BookingWhereInput = {
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
 * Admin: the session metrics of a period, computed from the trace, each beside its threshold from the
 * environment. Every breach is logged as a warning, so an alert can follow the log.
 */
export async function getSessionMetrics(actor: Actor, raw: { from?: string; to?: string }, now = new Date()) {
  assertRole(actor, ["admin"]);
  const period = resolveMetricsPeriod(raw, now);
  const events = await loadMetricEvents(period.start, period.end);
  const metrics = computeSessionMetrics(events);
  const byRoomKind = splitByRoomKind(events);
  const evaluations = evaluateThresholds(metrics, metricThresholds());
  // Recording completeness: the share of recorded tracks whose file covers the time their media flowed.
  const rec = await recordingCompleteness(period.start, period.end);
  const recording = {
    ...rec,
    threshold: env.METRIC_MIN_RECORDING_COMPLETENESS,
    breached: rec.share !== null && rec.share < env.METRIC_MIN_RECORDING_COMPLETENESS,
  };
  if (recording.breached)
    logger.warn(
      { metric: "recordingCompleteness", value: rec.share, threshold: recording.threshold, from: period.from },
      "session metric breached threshold",
    );
  for (const e of evaluations) {
    if (e.breached)
      logger.warn(
        { metric: e.key, value: e.value, threshold: e.threshold, from: period.from, to: period.to },
        "session metric breached threshold",
      );
  }
  return {
    period: { from: period.from, to: period.to },
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
 * The trace events the session metrics read, in [start, end), each through its schema: one that fails it
 * (an old or foreign writer) is left out and counted in a warning. No authorisation: callers check it.
 */
export async function loadMetricEvents(start: Date, end: Date) {
  const rows = await db.traceEvent.findMany({
    where: { type: { in: [...metricEventTypes] }, occurredAt: { gte: start, lt: end } },
    select: { id: true, traceId: true, type: true, actorId: true, payload: true, occurredAt: true },
  });
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
