import "server-only";
import { db } from "@/lib/db";
import { logger } from "@/lib/logger";
import { enqueueEffect, nudgeEffects, runEffects } from "@/lib/ops/outbox";
import {
  closeRoomEffect,
  SETTLE_DELAY_MS,
  SWEEP_LOOKBACK_MS,
  sessionEffectHandlers,
  enqueueWarning,
} from "@/lib/sessions/lifecycle";
import { windowConfig } from "@/lib/sessions/service";
import { appendTrace, readTrace } from "@/lib/trace/service";
import { cancelShowInTx } from "./service";
import { transitionShow } from "./transition";

const log = logger.child({ module: "shows" });
const minutes = (n: number) => n * 60_000;

/**
 * A show's end, run by the sweeper beside private sessions: warn the room SESSION_WARNING_MINUTES before
 * the end, close it at the end plus grace (both once, as outbox effects keyed by the room), and a minute
 * after the close settle it once: held (the creator published camera or microphone while someone watched),
 * or a creator no-show, which cancels the show and refunds every ticket in full. A show whose room never
 * opened (nobody came, not even its creator) is settled the same way at its end plus grace.
 */
export async function sweepShows(now = new Date(), scope: { eventIds?: string[] } = {}) {
  const c = windowConfig();
  const only = scope.eventIds ? { in: scope.eventIds } : undefined;
  const ids: string[] = [];
  const warnDue = await db.roomSession.findMany({
    where: {
      warnedAt: null,
      closedAt: null,
      ...(only ? { groupEventId: only } : { groupEventId: { not: null } }),
      groupEvent: {
        status: { in: ["scheduled", "live"] },
        endsAt: {
          lte: new Date(now.getTime() + minutes(c.warningMinutes)),
          gt: new Date(now.getTime() - minutes(c.graceMinutes)),
        },
      },
    },
    select: { id: true, roomName: true, traceId: true, groupEvent: { select: { startsAt: true, endsAt: true } } },
    take: 100,
  });
  for (const rs of warnDue) {
    const id = await enqueueWarning(rs, rs.groupEvent!, now);
    if (id) ids.push(id);
  }
  const ended = new Date(now.getTime() - minutes(c.graceMinutes));
  const closeDue = await db.roomSession.findMany({
    where: {
      closedAt: null,
      ...(only ? { groupEventId: only } : { groupEventId: { not: null } }),
      groupEvent: { endsAt: { lte: ended } },
    },
    select: { id: true, roomName: true, traceId: true },
    take: 100,
  });
  for (const rs of closeDue) {
    const id = await enqueueEffect(
      db,
      closeRoomEffect,
      { roomSessionId: rs.id, roomName: rs.roomName, traceId: rs.traceId, at: now.toISOString() },
      { key: `sessions.close:${rs.id}`, traceId: rs.traceId },
    );
    if (id) ids.push(id);
  }
  await runEffects({ ids, handlers: sessionEffectHandlers, limit: 200 });

  const settleDue = await db.groupEvent.findMany({
    where: {
      status: { in: ["scheduled", "live"] },
      endsAt: { gte: new Date(now.getTime() - SWEEP_LOOKBACK_MS), lte: ended },
      ...(only ? { id: only } : {}),
      OR: [{ roomSession: null }, { roomSession: { closedAt: { lte: new Date(now.getTime() - SETTLE_DELAY_MS) } } }],
    },
    select: { id: true },
    take: 50,
  });
  let settled = 0;
  for (const s of settleDue) {
    try {
      if (await settleShow(s.id, now)) settled++;
    } catch (err) {
      log.error({ err, eventId: s.id }, "show could not be settled; next sweep tries again");
    }
  }
  return { warned: warnDue.length, closed: closeDue.length, settled };
}

const PRESENCE = [
  "participant.joined",
  "participant.left",
  "participant.connection_aborted",
  "track.published",
  "track.unpublished",
] as const;

/**
 * Held, or a creator no-show, from LiveKit's record: the creator's camera or microphone was published while
 * at least one viewer was in the room. No viewer at all: held too (nobody to refund, nothing to claim).
 */
async function creatorShowedUp(eventId: string, showTraceId: string) {
  const tickets = await db.ticket.findMany({ where: { eventId }, select: { traceId: true } });
  const viewer: { from: number; to: number }[] = [];
  for (const t of tickets) {
    const events = await readTrace(t.traceId, { types: [...PRESENCE] });
    let joined: number | null = null;
    for (const e of events) {
      if (!e.ok || e.source !== "livekit") continue;
      if (e.type === "participant.joined") joined ??= e.occurredAt.getTime();
      if ((e.type === "participant.left" || e.type === "participant.connection_aborted") && joined !== null) {
        viewer.push({ from: joined, to: e.occurredAt.getTime() });
        joined = null;
      }
    }
    if (joined !== null) viewer.push({ from: joined, to: Number.POSITIVE_INFINITY });
  }
  if (viewer.length === 0) return { showed: true, anyViewer: false };
  const creator = await readTrace(showTraceId, { types: ["track.published", "track.unpublished", "participant.left"] });
  const on = new Map<string, number>();
  const media: { from: number; to: number }[] = [];
  for (const e of creator) {
    if (!e.ok || e.source !== "livekit" || e.payload.role !== "creator") continue;
    if (e.type === "track.published" && (e.payload.source === "camera" || e.payload.source === "microphone"))
      on.set(e.payload.trackSid, e.occurredAt.getTime());
    if (e.type === "track.unpublished" && on.has(e.payload.trackSid)) {
      media.push({ from: on.get(e.payload.trackSid)!, to: e.occurredAt.getTime() });
      on.delete(e.payload.trackSid);
    }
    if (e.type === "participant.left") {
      for (const [, from] of on) media.push({ from, to: e.occurredAt.getTime() });
      on.clear();
    }
  }
  for (const from of on.values()) media.push({ from, to: Number.POSITIVE_INFINITY });
  const showed = media.some((m) => viewer.some((v) => Math.min(m.to, v.to) >= Math.max(m.from, v.from)));
  return { showed, anyViewer: true };
}

/** Settles one show after its room closed, once (under the show's lock): ended, or cancelled and refunded. */
export async function settleShow(eventId: string, now = new Date()) {
  const show = await db.groupEvent.findUnique({ where: { id: eventId }, select: { traceId: true } });
  if (!show) return false;
  const { showed, anyViewer } = await creatorShowedUp(eventId, show.traceId);
  const done = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM group_events WHERE id = ${eventId} FOR UPDATE`;
    const s = await tx.groupEvent.findUniqueOrThrow({ where: { id: eventId } });
    if (s.status !== "scheduled" && s.status !== "live") return false;
    if (showed) {
      await transitionShow(tx, s, "ended");
      await appendTrace(
        {
          traceId: s.traceId,
          type: "show.ended",
          source: "app",
          occurredAt: now,
          payload: {
            eventId,
            outcome: "held",
            explanation: anyViewer
              ? "The creator's camera or microphone reached the room while viewers were there."
              : "Nobody watched; nothing to refund.",
          },
        },
        tx,
      );
      return true;
    }
    await cancelShowInTx(tx, s, { by: "system", actorId: null, reason: "The creator did not show up" });
    await appendTrace(
      {
        traceId: s.traceId,
        type: "show.ended",
        source: "app",
        occurredAt: now,
        payload: {
          eventId,
          outcome: "creator_no_show",
          explanation:
            "Viewers were in the room but the creator never published camera or microphone: every ticket is refunded in full.",
        },
      },
      tx,
    );
    return true;
  });
  if (done) nudgeEffects();
  return done;
}
