import "server-only";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { AfterCommit } from "@/lib/payments/after-commit";
import { lockBooking } from "@/lib/payments/ledger";
import { createRefundInTx } from "@/lib/payments/refunds";
import { refundableCents } from "@/lib/bookings/policy";
import { appendTrace } from "@/lib/trace/service";
import { closeRoom, sendServerMessage } from "./livekit";
import { roomNameFor, sessionWindow } from "./policy";
import { windowConfig } from "./service";
import { sessionOutcome, type PresenceEvent } from "./settle";

const log = logger.child({ module: "sessions" });

/** Webhooks about the last moments of a room may trail its closing by a little; settle after this. */
export const SETTLE_DELAY_MS = 60_000;

const minutes = (n: number) => n * 60_000;

/**
 * The server's part of a session's end, run by the sweeper every few seconds:
 * 1. warn both sides SESSION_WARNING_MINUTES before the session's end (once);
 * 2. close the room at the end plus grace (once);
 * 3. a minute later, settle it once: completed, or a no-show (a creator no-show refunds the viewer).
 */
export async function sweepSessions(now = new Date(), scope: { bookingIds?: string[] } = {}) {
  const c = windowConfig();
  const only = scope.bookingIds ? { in: scope.bookingIds } : undefined;
  const warned = await warnClosingRooms(now, c.graceMinutes, c.warningMinutes, only);
  const closed = await closeEndedRooms(now, c.graceMinutes, only);
  const settled = await settleEndedSessions(now, only);
  return { warned, closed, settled };
}

type Only = { in: string[] } | undefined;

async function warnClosingRooms(now: Date, grace: number, warning: number, only: Only) {
  // warningAt = endsAt - warning <= now < endsAt + grace = closesAt
  const due = await db.roomSession.findMany({
    where: {
      warnedAt: null, closedAt: null, status: "active", ...(only ? { bookingId: only } : {}),
      booking: { status: "confirmed", endsAt: { lte: new Date(now.getTime() + minutes(warning)), gt: new Date(now.getTime() - minutes(grace)) } },
    },
    select: { id: true, roomName: true, traceId: true, booking: { select: { endsAt: true } } },
    take: 100,
  });
  let n = 0;
  for (const rs of due) {
    // Claimed first, so two servers never warn twice.
    const claimed = await db.roomSession.updateMany({ where: { id: rs.id, warnedAt: null }, data: { warnedAt: now } });
    if (claimed.count === 0) continue;
    const closesAt = new Date(rs.booking!.endsAt.getTime() + minutes(grace));
    const result = await sendServerMessage(rs.roomName, { type: "closing_soon", endsAt: rs.booking!.endsAt.toISOString(), closesAt: closesAt.toISOString() }).then(
      () => "sent",
      (err: unknown) => `not sent: ${err instanceof Error ? err.message.slice(0, 200) : "unknown error"}`,
    );
    await appendTrace({ traceId: rs.traceId, type: "session.warned", source: "app", occurredAt: now, payload: { endsAt: rs.booking!.endsAt.toISOString(), closesAt: closesAt.toISOString(), roomName: rs.roomName, result } });
    n++;
  }
  return n;
}

async function closeEndedRooms(now: Date, grace: number, only: Only) {
  const due = await db.roomSession.findMany({
    where: { closedAt: null, bookingId: only ?? { not: null }, booking: { endsAt: { lte: new Date(now.getTime() - minutes(grace)) } } },
    select: { id: true, roomName: true, traceId: true, status: true },
    take: 100,
  });
  let n = 0;
  for (const rs of due) {
    try {
      if (rs.status === "active") await sendServerMessage(rs.roomName, { type: "closed" }).catch(() => {});
      await closeRoom(rs.roomName);
    } catch (err) {
      log.warn({ err, room: rs.roomName }, "room could not be closed; next sweep tries again");
      continue;
    }
    const claimed = await db.roomSession.updateMany({ where: { id: rs.id, closedAt: null }, data: { closedAt: now } });
    if (claimed.count === 0) continue;
    await appendTrace({ traceId: rs.traceId, type: "session.closed", source: "app", occurredAt: now, payload: { roomName: rs.roomName, closedAt: now.toISOString() } });
    n++;
  }
  return n;
}

async function settleEndedSessions(now: Date, only: Only) {
  const c = windowConfig();
  const due = await db.booking.findMany({
    where: {
      status: "confirmed", ...(only ? { id: only } : {}),
      endsAt: { lte: new Date(now.getTime() - minutes(c.graceMinutes) - SETTLE_DELAY_MS) },
      OR: [{ roomSession: null }, { roomSession: { settledAt: null } }],
    },
    select: { id: true },
    orderBy: { endsAt: "asc" },
    take: 50,
  });
  let n = 0;
  for (const b of due) {
    try {
      if (await settleSession(b.id, now)) n++;
    } catch (err) {
      log.error({ err, bookingId: b.id }, "session could not be settled; next sweep tries again");
    }
  }
  return n;
}

/**
 * Settles one ended session, once: under the booking's lock, a session already settled (or no longer
 * confirmed) is left alone, and a creator no-show refund carries the key `no-show:<booking id>`, so
 * neither a second sweep nor a second server refunds twice. Returns false when there was nothing to do.
 */
export async function settleSession(bookingId: string, now = new Date()) {
  const after = new AfterCommit();
  const done = await db.$transaction(async (tx) => {
    const booking = await lockBooking(tx, bookingId);
    if (booking.status !== "confirmed") return false;
    const { closesAt } = sessionWindow(booking, windowConfig());
    if (closesAt > now) return false;
    const roomSession = await tx.roomSession.upsert({
      where: { bookingId: booking.id },
      create: { bookingId: booking.id, traceId: booking.traceId, roomName: roomNameFor(booking.id) },
      update: {},
    });
    if (roomSession.settledAt) return false;

    const events = await tx.traceEvent.findMany({
      where: { traceId: booking.traceId, source: "livekit", type: { in: ["participant.joined", "participant.left", "participant.connection_aborted", "track.published", "track.unpublished"] } },
      orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    });
    const presence: PresenceEvent[] = events.map((e) => {
      const p = e.payload as { role?: string; participantSid?: string; trackSid?: string; source?: string; identity?: string };
      const role = p.role === "viewer" || p.role === "creator" ? p.role : p.identity === booking.viewerId ? "viewer" : "creator";
      return { type: e.type as PresenceEvent["type"], at: e.occurredAt, role, participantSid: p.participantSid ?? "", trackSid: p.trackSid, source: p.source };
    });
    const { outcome, explanation } = sessionOutcome(presence, closesAt);

    let refundId: string | undefined;
    const payment = await tx.payment.findFirst({ where: { bookingId: booking.id, status: { in: ["paid", "partially_refunded", "needs_review"] } }, orderBy: { paidAt: "asc" } });
    if (outcome === "creator_no_show" && payment) {
      const refunds = await tx.refund.findMany({ where: { paymentId: payment.id }, select: { amountCents: true, status: true, stripeRefundId: true } });
      const left = refundableCents({ ...payment, refunds });
      if (left > 0) {
        const refund = await createRefundInTx(tx, { paymentId: payment.id, amountCents: left, reason: "The creator did not show up", idempotencyKey: `no-show:${booking.id}`, explanation }, after);
        refundId = refund.id;
      }
    }
    if (outcome === "nobody_joined" && payment && !payment.reviewReason) {
      await tx.payment.update({ where: { id: payment.id }, data: { reviewReason: "nobody joined the session: check with both sides" } });
    }
    await tx.booking.update({
      where: { id: booking.id },
      data: outcome === "creator_no_show"
        ? { status: "cancelled", holdsSlot: false, cancelledAt: now, cancelReason: "The creator did not show up" }
        : { status: "completed" },
    });
    await tx.roomSession.update({ where: { id: roomSession.id }, data: { settledAt: now, outcome } });
    await appendTrace({ traceId: booking.traceId, type: "session.settled", source: "app", occurredAt: now, payload: { outcome, explanation, ...(refundId ? { refundId } : {}) } }, tx);
    return true;
  });
  await after.run();
  return done;
}

const g = globalThis as unknown as { boothSessionSweeper?: NodeJS.Timeout };

/** Every SESSION_SWEEP_MS (10 s): the warning and the closing land within seconds of their time. */
export function startSessionSweeper(everyMs = env.SESSION_SWEEP_MS) {
  if (g.boothSessionSweeper || everyMs <= 0) return;
  let running = false;
  g.boothSessionSweeper = setInterval(() => {
    if (running) return;
    running = true;
    void sweepSessions()
      .catch((err) => log.error({ err }, "session sweep failed"))
      .finally(() => (running = false));
  }, everyMs);
  g.boothSessionSweeper.unref();
}
