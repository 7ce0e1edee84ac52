import "server-only";
import { db } from "@/lib/db";
import { logger } from "@/lib/logger";
import { AfterCommit } from "@/lib/payments/after-commit";
import { lockBooking } from "@/lib/payments/ledger";
import { createRefundInTx } from "@/lib/payments/refunds";
import { refundableCents } from "@/lib/bookings/policy";
import { appendTrace } from "@/lib/trace/service";
import { assertTransition } from "@/lib/bookings/state";
import { closeRoom, isRoomGone, sendServerMessage } from "./livekit";
import { sessionWindow } from "./policy";
import { ensureRoomSession, windowConfig } from "./service";
import { reconcileOutcome, sessionOutcome, type PresenceEvent } from "./settle";

const log = logger.child({ module: "sessions" });

/** Webhooks about the last moments of a room may trail its closing by a little; settle after this. */
export const SETTLE_DELAY_MS = 60_000;
/**
 * Sessions that ended longer ago than this are not closed or settled by the sweep: bookings from before
 * live sessions existed (or a server down for a week) are left to a person rather than all flagged at once.
 */
export const SWEEP_LOOKBACK_MS = 7 * 24 * 60 * 60_000;

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

/** Paid sessions not yet settled (completed ones are over; a disputed one still gets its room closed). */
const PAID_STATUSES = ["confirmed", "disputed"] as const;

async function warnClosingRooms(now: Date, grace: number, warning: number, only: Only) {
  // warningAt = endsAt - warning <= now < endsAt + grace = closesAt; only rooms someone was given a token for.
  const due = await db.roomSession.findMany({
    where: {
      warnedAt: null,
      closedAt: null,
      ...(only ? { bookingId: only } : {}),
      booking: {
        status: { in: [...PAID_STATUSES] },
        endsAt: { lte: new Date(now.getTime() + minutes(warning)), gt: new Date(now.getTime() - minutes(grace)) },
      },
    },
    select: { id: true, roomName: true, traceId: true, booking: { select: { startsAt: true, endsAt: true } } },
    take: 100,
  });
  let n = 0;
  for (const rs of due) {
    const { closesAt } = sessionWindow(rs.booking!, windowConfig());
    try {
      // Claim, send and record in one transaction: a send that fails rolls the claim back (the next
      // sweep tries again), and a second server finds the row claimed and sends nothing.
      const sent = await db.$transaction(async (tx) => {
        const claimed = await tx.roomSession.updateMany({
          where: { id: rs.id, warnedAt: null },
          data: { warnedAt: now },
        });
        if (claimed.count === 0) return false;
        const result = await sendServerMessage(rs.roomName, {
          type: "closing_soon",
          endsAt: rs.booking!.endsAt.toISOString(),
          closesAt: closesAt.toISOString(),
        }).then(
          () => "sent",
          (err: unknown) => {
            if (isRoomGone(err)) return "nobody in the room";
            throw err;
          },
        );
        await appendTrace(
          {
            traceId: rs.traceId,
            type: "session.warned",
            source: "app",
            occurredAt: now,
            payload: {
              endsAt: rs.booking!.endsAt.toISOString(),
              closesAt: closesAt.toISOString(),
              roomName: rs.roomName,
              result,
            },
          },
          tx,
        );
        return true;
      });
      if (sent) n++;
    } catch (err) {
      log.warn({ err, room: rs.roomName }, "closing warning not sent; next sweep tries again");
    }
  }
  return n;
}

async function closeEndedRooms(now: Date, grace: number, only: Only) {
  const ended = new Date(now.getTime() - minutes(grace));
  // Paid sessions past their window that never had a room: a row closes them too, so settlement always
  // follows a closing and the timeline reads in order.
  const unopened = await db.booking.findMany({
    where: {
      status: { in: [...PAID_STATUSES] },
      endsAt: { lte: ended, gte: new Date(now.getTime() - SWEEP_LOOKBACK_MS) },
      roomSession: null,
      ...(only ? { id: only } : {}),
    },
    select: { id: true, traceId: true },
    take: 100,
  });
  for (const b of unopened) await ensureRoomSession(b);
  // Rooms past the end plus grace, and rooms of sessions cancelled meanwhile (a creator may cancel mid-call).
  const due = await db.roomSession.findMany({
    where: {
      closedAt: null,
      ...(only ? { bookingId: only } : { bookingId: { not: null } }),
      OR: [{ booking: { endsAt: { lte: ended } } }, { booking: { status: { in: ["cancelled", "expired"] } } }],
    },
    select: { id: true, roomName: true, traceId: true },
    take: 100,
  });
  let n = 0;
  for (const rs of due) {
    try {
      const closed = await db.$transaction(async (tx) => {
        const claimed = await tx.roomSession.updateMany({
          where: { id: rs.id, closedAt: null },
          data: { closedAt: now },
        });
        if (claimed.count === 0) return false;
        await sendServerMessage(rs.roomName, { type: "closed" }).catch(() => {}); // nobody there is fine
        await closeRoom(rs.roomName); // a room that is already gone counts as closed; any other failure rolls back
        await appendTrace(
          {
            traceId: rs.traceId,
            type: "session.closed",
            source: "app",
            occurredAt: now,
            payload: { roomName: rs.roomName, closedAt: now.toISOString() },
          },
          tx,
        );
        return true;
      });
      if (closed) n++;
    } catch (err) {
      log.warn({ err, room: rs.roomName }, "room could not be closed; next sweep tries again");
    }
  }
  return n;
}

async function settleEndedSessions(now: Date, only: Only) {
  // Only rooms the server closed a while ago: webhooks about their last moments have had time to arrive.
  const due = await db.booking.findMany({
    where: {
      status: "confirmed",
      endsAt: { gte: new Date(now.getTime() - SWEEP_LOOKBACK_MS) },
      ...(only ? { id: only } : {}),
      roomSession: { settledAt: null, closedAt: { lte: new Date(now.getTime() - SETTLE_DELAY_MS) } },
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
    const roomSession = await ensureRoomSession(booking, tx);
    if (roomSession.settledAt) return false;

    const events = await tx.traceEvent.findMany({
      where: {
        traceId: booking.traceId,
        source: "livekit",
        type: {
          in: [
            "participant.joined",
            "participant.left",
            "participant.connection_aborted",
            "track.published",
            "track.unpublished",
          ],
        },
      },
      orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    });
    // Only the two sides count: an identity without a Booth token (role null) is nobody's presence.
    const presence: PresenceEvent[] = events.flatMap((e) => {
      const p = e.payload as { role?: string | null; participantSid?: string; trackSid?: string; source?: string };
      if (p.role !== "viewer" && p.role !== "creator") return [];
      return [
        {
          type: e.type as PresenceEvent["type"],
          at: e.occurredAt,
          role: p.role,
          participantSid: p.participantSid ?? "",
          trackSid: p.trackSid,
          source: p.source,
        },
      ];
    });
    const reported = await tx.traceEvent.findMany({
      where: {
        traceId: booking.traceId,
        source: "client",
        actorId: booking.viewerId,
        type: { in: ["client.ice_selected", "client.first_media"] },
      },
      select: { type: true },
    });
    const { outcome, explanation } = reconcileOutcome(sessionOutcome(presence, closesAt), {
      viewerConnected: reported.some((e) => e.type === "client.ice_selected"),
      viewerSawVideo: reported.some((e) => e.type === "client.first_media"),
    });

    let refundId: string | undefined;
    const payment = await tx.payment.findFirst({
      where: { bookingId: booking.id, status: { in: ["paid", "partially_refunded", "needs_review"] } },
      orderBy: { paidAt: "asc" },
    });
    if (outcome === "creator_no_show" && payment) {
      const refunds = await tx.refund.findMany({
        where: { paymentId: payment.id },
        select: { amountCents: true, status: true, stripeRefundId: true },
      });
      const left = refundableCents({ ...payment, refunds });
      if (left > 0) {
        const refund = await createRefundInTx(
          tx,
          {
            paymentId: payment.id,
            amountCents: left,
            reason: "The creator did not show up",
            idempotencyKey: `no-show:${booking.id}`,
            explanation,
          },
          after,
        );
        refundId = refund.id;
      }
    }
    if ((outcome === "nobody_joined" || outcome === "unclear") && payment && !payment.reviewReason) {
      const reviewReason =
        outcome === "nobody_joined"
          ? "nobody joined the session: check with both sides"
          : `session outcome unclear: ${explanation}`;
      await tx.payment.update({ where: { id: payment.id }, data: { reviewReason } });
    }
    assertTransition(booking.status, outcome === "creator_no_show" ? "cancelled" : "completed");
    await tx.booking.update({
      where: { id: booking.id },
      data:
        outcome === "creator_no_show"
          ? { status: "cancelled", holdsSlot: false, cancelledAt: now, cancelReason: "The creator did not show up" }
          : { status: "completed" },
    });
    await tx.roomSession.update({ where: { id: roomSession.id }, data: { settledAt: now, outcome } });
    await appendTrace(
      {
        traceId: booking.traceId,
        type: "session.settled",
        source: "app",
        occurredAt: now,
        payload: { outcome, explanation, ...(refundId ? { refundId } : {}) },
      },
      tx,
    );
    return true;
  });
  await after.run();
  return done;
}
