import "server-only";
import { z } from "zod";
import { transitionBooking } from "@/lib/bookings/transition";
import { AWAITING_SESSION } from "@/lib/bookings/state";
import { db } from "@/lib/db";
import { logger } from "@/lib/logger";
import { defineEffect, enqueueEffect, type EffectHandlers, handle, nudgeEffects, runEffects } from "@/lib/ops/outbox";
import { findSettledPayment, lockPurchase } from "@/lib/payments/ledger";
import { refundableCents } from "@/lib/payments/refund-math";
import { createRefundInTx } from "@/lib/payments/refunds";
import { appendTrace, readTrace } from "@/lib/trace/service";
import { closeRoom, isRoomGone, sendServerMessage } from "./livekit";
import { type PresenceEvent, reconcileOutcome, sessionOutcome } from "./rules/settle";
import { sessionWindow } from "./rules/token-policy";
import { ensureRoomSession, windowConfig } from "./service";

const log = logger.child({ module: "sessions" });

/** Webhooks about the last moments of a room may trail its closing by a little; settle after this. */
export const SETTLE_DELAY_MS = 60_000;
/**
 * Sessions that ended longer ago than this are not closed or settled by the sweep: bookings from before
 * live sessions existed (or a server down for a week) are left to a person rather than all flagged at once.
 */
export const SWEEP_LOOKBACK_MS = 7 * 24 * 60 * 60_000;

const minutes = (n: number) => n * 60_000;

/** The outbox effects of a room's end: the closing warning, and closing the room (LiveKit calls). */
const roomCall = z.object({
  roomSessionId: z.string(),
  roomName: z.string(),
  traceId: z.string(),
  at: z.iso.datetime(),
});
export const warnRoom = defineEffect(
  "sessions.warn",
  roomCall.extend({ endsAt: z.iso.datetime(), closesAt: z.iso.datetime() }),
);
export const closeRoomEffect = defineEffect("sessions.close", roomCall);

/** How the outbox carries out the room calls. The claim is the effect's key: one warning, one closing per room. */
export const sessionEffectHandlers: EffectHandlers = {
  ...handle(warnRoom, {
    run: (p) =>
      sendServerMessage(p.roomName, { type: "closing_soon", endsAt: p.endsAt, closesAt: p.closesAt }).then(
        () => "sent",
        (err: unknown) => {
          if (isRoomGone(err)) return "nobody in the room";
          throw err;
        },
      ),
    done: async (tx, p, result) => {
      const at = new Date(p.at);
      await tx.roomSession.updateMany({ where: { id: p.roomSessionId, warnedAt: null }, data: { warnedAt: at } });
      await appendTrace(
        {
          traceId: p.traceId,
          type: "session.warned",
          source: "app",
          occurredAt: at,
          payload: { endsAt: p.endsAt, closesAt: p.closesAt, roomName: p.roomName, result },
        },
        tx,
      );
    },
  }),
  ...handle(closeRoomEffect, {
    run: async (p) => {
      await sendServerMessage(p.roomName, { type: "closed" }).catch(() => {}); // nobody there is fine
      await closeRoom(p.roomName); // a room that is already gone counts as closed; any other failure is retried
    },
    done: async (tx, p) => {
      const at = new Date(p.at);
      await tx.roomSession.updateMany({ where: { id: p.roomSessionId, closedAt: null }, data: { closedAt: at } });
      await appendTrace(
        {
          traceId: p.traceId,
          type: "session.closed",
          source: "app",
          occurredAt: at,
          payload: { roomName: p.roomName, closedAt: at.toISOString() },
        },
        tx,
      );
    },
  }),
};

/**
 * The server's part of a session's end, run by the sweeper every few seconds:
 * 1. warn both sides SESSION_WARNING_MINUTES before the session's end (once);
 * 2. close the room at the end plus grace (once);
 * 3. a minute after the close, settle it once: completed, or a no-show (a creator no-show refunds the viewer).
 * Warnings and closings are outbox effects (keyed per room, so once); the sweep runs the ones it wrote
 * before it returns, and any a crash left behind are run by the outbox sweep.
 */
export async function sweepSessions(now = new Date(), scope: { bookingIds?: string[] } = {}) {
  const c = windowConfig();
  const only = scope.bookingIds ? { in: scope.bookingIds } : undefined;
  const warned = await warnClosingRooms(now, c.graceMinutes, c.warningMinutes, only);
  const closed = await closeEndedRooms(now, c.graceMinutes, only);
  // This sweep is a worker: it carries out what it just wrote (a failure backs off for the outbox sweep).
  await runEffects({ ids: [...warned, ...closed], handlers: sessionEffectHandlers, limit: 200 });
  const settled = await settleEndedSessions(now, only);
  return { warned: warned.length, closed: closed.length, settled };
}

type Only = { in: string[] } | undefined;

async function warnClosingRooms(now: Date, grace: number, warning: number, only: Only) {
  // warningAt = endsAt - warning <= now < endsAt + grace = closesAt; only rooms someone was given a token for.
  const due = await db.roomSession.findMany({
    where: {
      warnedAt: null,
      closedAt: null,
      ...(only ? { bookingId: only } : {}),
      booking: {
        status: { in: [...AWAITING_SESSION] },
        endsAt: { lte: new Date(now.getTime() + minutes(warning)), gt: new Date(now.getTime() - minutes(grace)) },
      },
    },
    select: { id: true, roomName: true, traceId: true, booking: { select: { startsAt: true, endsAt: true } } },
    take: 100,
  });
  const ids: string[] = [];
  for (const rs of due) {
    const id = await enqueueWarning(rs, rs.booking!, now);
    if (id) ids.push(id);
  }
  return ids;
}

/**
 * The closing warning of one room (a private session's or a show's), once per room: an outbox effect that
 * tells everyone in it when the session ends and when the room closes.
 */
export function enqueueWarning(
  rs: { id: string; roomName: string; traceId: string },
  session: { startsAt: Date; endsAt: Date },
  now: Date,
) {
  const { closesAt } = sessionWindow(session, windowConfig());
  return enqueueEffect(
    db,
    warnRoom,
    {
      roomSessionId: rs.id,
      roomName: rs.roomName,
      traceId: rs.traceId,
      at: now.toISOString(),
      endsAt: session.endsAt.toISOString(),
      closesAt: closesAt.toISOString(),
    },
    { key: `sessions.warn:${rs.id}`, traceId: rs.traceId },
  );
}

async function closeEndedRooms(now: Date, grace: number, only: Only) {
  const ended = new Date(now.getTime() - minutes(grace));
  // Paid sessions past their window that never had a room: a row closes them too, so settlement always
  // follows a closing and the timeline reads in order.
  const unopened = await db.booking.findMany({
    where: {
      status: { in: [...AWAITING_SESSION] },
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
  const ids: string[] = [];
  for (const rs of due) {
    const id = await enqueueEffect(
      db,
      closeRoomEffect,
      { roomSessionId: rs.id, roomName: rs.roomName, traceId: rs.traceId, at: now.toISOString() },
      { key: `sessions.close:${rs.id}`, traceId: rs.traceId },
    );
    if (id) ids.push(id);
  }
  return ids;
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

const PRESENCE_TYPES = [
  "participant.joined",
  "participant.left",
  "participant.connection_aborted",
  "track.published",
  "track.unpublished",
] as const;

/**
 * Settles one ended session, once: under the booking's lock, a session already settled (or no longer
 * confirmed) is left alone, and a creator no-show refund carries the key `no-show:<booking id>`, so
 * neither a second sweep nor a second server refunds twice. Returns false when there was nothing to do.
 */
export async function settleSession(bookingId: string, now = new Date()) {
  const done = await db.$transaction(async (tx) => {
    await lockPurchase(tx, { kind: "booking", id: bookingId });
    const booking = await tx.booking.findUniqueOrThrow({ where: { id: bookingId } });
    if (booking.status !== "confirmed") return false;
    const { closesAt } = sessionWindow(booking, windowConfig());
    if (closesAt > now) return false;
    const roomSession = await ensureRoomSession(booking, tx);
    if (roomSession.settledAt) return false;

    const events = await readTrace(booking.traceId, { types: [...PRESENCE_TYPES] }, tx);
    // Only the two sides count: an identity without a Booth token (role null) is nobody's presence.
    const presence: PresenceEvent[] = [];
    for (const e of events) {
      if (!e.ok || e.source !== "livekit") continue;
      if (
        e.type !== "participant.joined" &&
        e.type !== "participant.left" &&
        e.type !== "participant.connection_aborted" &&
        e.type !== "track.published" &&
        e.type !== "track.unpublished"
      )
        continue;
      const p = e.payload;
      if (p.role !== "viewer" && p.role !== "creator") continue;
      const track = e.type === "track.published" || e.type === "track.unpublished" ? e.payload : null;
      presence.push({
        type: e.type,
        at: e.occurredAt,
        role: p.role,
        participantSid: p.participantSid,
        ...(track ? { trackSid: track.trackSid, source: track.source } : {}),
      });
    }
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
    const payment = await findSettledPayment(tx, { kind: "booking", id: booking.id });
    const live = payment && payment.status !== "disputed" ? payment : null;
    if (outcome === "creator_no_show" && live) {
      const left = refundableCents(live);
      if (left > 0) {
        const refund = await createRefundInTx(tx, {
          paymentId: live.id,
          amountCents: left,
          reason: "The creator did not show up",
          idempotencyKey: `no-show:${booking.id}`,
          explanation,
        });
        refundId = refund.id;
      }
    }
    if ((outcome === "nobody_joined" || outcome === "unclear") && live && !live.reviewReason) {
      const reviewReason =
        outcome === "nobody_joined"
          ? "nobody joined the session: check with both sides"
          : `session outcome unclear: ${explanation}`;
      await tx.payment.update({ where: { id: live.id }, data: { reviewReason } });
    }
    await transitionBooking(
      tx,
      booking,
      outcome === "creator_no_show" ? "cancelled" : "completed",
      outcome === "creator_no_show"
        ? { holdsSlot: false, cancelledAt: now, cancelReason: "The creator did not show up" }
        : {},
    );
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
  if (done) nudgeEffects();
  return done;
}
