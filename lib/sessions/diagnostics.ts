import "server-only";
import { partyOf } from "@/lib/auth/parties";
import type { Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { recordEventOnce } from "@/lib/ops/processed-events";
import { appendTrace } from "@/lib/trace/service";
import type { TraceEventType } from "@/lib/trace/events";
import { takeDiagnostics } from "./limits";
import { PAID_BOOKING } from "@/lib/bookings/state";
import { type SessionWindow, sessionWindow } from "./rules/token-policy";
import type { DiagnosticEvent } from "@/lib/trace/client-events";
import { diagnosticsBatch, MAX_DIAGNOSTICS_BODY } from "./schemas";
import { ensureRoomSession, windowConfig } from "./service";

/**
 * Event times are on Booth's clock already: the room page keeps an offset to the server's clock, measured
 * from round trips (the page's render time, then each token answer's serverTime around its request), and
 * stamps every event with it. So a batch is never shifted by how late it arrived (a slow server, a browser
 * that was offline and sends on reconnect): its events keep their own times. What cannot be true is
 * corrected, event by event, keeping each batch's order: a time in the future (beyond this slack, a page
 * that could not sync) becomes the receive time, one before the report window its start.
 */
export const FUTURE_SLACK_MS = 60_000;
/** Reports are taken from this long before the room opens (the device check) until this long after it closed. */
const REPORT_MARGIN_MS = 30 * 60_000;
/** Paid sessions, and those cancelled after payment (a creator no-show): late reports still arrive. */
const REPORTABLE = new Set<string>([...PAID_BOOKING, "cancelled"]);

/** Parses a diagnostics body: 413 when too large, 400 when not JSON, 422 with field errors when malformed. */
export function parseDiagnosticsBody(text: string) {
  if (Buffer.byteLength(text) > MAX_DIAGNOSTICS_BODY) {
    throw new AppError(
      "payload_too_large",
      `A diagnostics batch may be at most ${MAX_DIAGNOSTICS_BODY} bytes; send fewer events per batch.`,
    );
  }
  if (!text) throw new AppError("bad_request", "The request body is empty; send JSON.");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The request body must be valid JSON.");
  }
  return diagnosticsBatch.parse(raw);
}

/** Each event's time, bounded to what can be true, never earlier than the one reported before it in the batch. */
export function eventTimes(ats: string[], window: { from: number; received: number }) {
  let previous = Number.NEGATIVE_INFINITY;
  return ats.map((at) => {
    const t = Math.max(Math.min(Date.parse(at), window.received + FUTURE_SLACK_MS), window.from, previous);
    previous = t;
    return new Date(t);
  });
}

/** What an event changes on its connection row (participant_connections), if anything. */
function connectionUpdate(
  e: DiagnosticEvent,
  at: Date,
): {
  data: Prisma.ParticipantConnectionUpdateManyMutationInput;
  onlyIfNull?: "signalConnectedAt" | "firstMediaAt" | "disconnectReason";
} | null {
  switch (e.type) {
    case "signal_connected":
      return { data: { signalConnectedAt: at }, onlyIfNull: "signalConnectedAt" };
    case "ice_selected":
      return {
        data: {
          localCandidateType: e.localCandidateType,
          remoteCandidateType: e.remoteCandidateType ?? null,
          protocol: e.protocol,
          relayProtocol: e.relayProtocol ?? null,
        },
      };
    case "first_media":
      return { data: { firstMediaAt: at, firstMediaMs: e.msFromJoin }, onlyIfNull: "firstMediaAt" };
    case "attempt_failed":
      return { data: { failure: e.stage, failedAfterMs: e.afterMs } };
    case "reconnecting":
      return { data: { reconnects: { increment: 1 } } };
    case "disconnected":
      return { data: { disconnectReason: e.reason }, onlyIfNull: "disconnectReason" };
    case "device_error":
      return { data: { failure: "permission" } };
    default:
      return null;
  }
}

/**
 * POST /api/sessions/:id/diagnostics. Only the session's viewer and creator may report, at most
 * DIAGNOSTICS_MAX_BATCHES_PER_MINUTE batches a minute each. Each event becomes a `client.*` trace event
 * and updates the connection row it names (by seq), both in one transaction; a batch sent twice
 * (same batchId) is stored once.
 */
export async function recordDiagnostics(actor: Actor, bookingId: string, text: string, now = new Date()) {
  const booking = await db.booking.findUnique({
    where: { id: bookingId },
    select: {
      id: true,
      traceId: true,
      viewerId: true,
      status: true,
      startsAt: true,
      endsAt: true,
      creator: { select: { userId: true } },
      viewer: { select: { brandId: true } },
    },
  });
  // Another brand's session is a missing one (its people are accounts of that brand only).
  if (!booking || booking.viewer.brandId !== actor.brandId) throw new AppError("not_found", "No such session.");
  const role = booking
    ? partyOf(actor.id, { viewerId: booking.viewerId, creatorUserId: booking.creator.userId })
    : null;
  if (!booking || !role) throw new AppError("forbidden", "Only this session's viewer and creator can report on it.");
  return recordRoomDiagnostics(
    actor,
    {
      key: bookingId,
      traceId: booking.traceId,
      role,
      window: sessionWindow(booking, windowConfig()),
      // Only a paid session (or one cancelled after payment: a creator no-show) has anything to report.
      reportable: REPORTABLE.has(booking.status),
      roomSession: () => ensureRoomSession(booking),
    },
    text,
    now,
  );
}

/** A room a participant reports on: whose trace, which side, the window, and its room-session row. */
export type DiagnosticsRoom = {
  /** The room's id for the participant's rate limit (a booking's, a show's). */
  key: string;
  traceId: string;
  role: "viewer" | "creator";
  window: SessionWindow;
  reportable: boolean;
  roomSession(): Promise<{ id: string }>;
};

/**
 * Stores one batch of a participant's reports about a room: each event a `client.*` trace event on their
 * trace and a change of the connection row it names (by seq), in one transaction; a batch sent twice
 * (same batchId) is stored once. Only around the room's window, DIAGNOSTICS_MAX_BATCHES_PER_MINUTE a minute.
 */
export async function recordRoomDiagnostics(actor: Actor, room: DiagnosticsRoom, text: string, now = new Date()) {
  const w = room.window;
  if (
    !room.reportable ||
    now.getTime() < w.opensAt.getTime() - REPORT_MARGIN_MS ||
    now.getTime() > w.closesAt.getTime() + REPORT_MARGIN_MS
  ) {
    throw new AppError("forbidden", "This session's room is not open, so there is nothing to report on it.");
  }
  const role = room.role;
  await takeDiagnostics(actor.id, room.key);
  const batch = parseDiagnosticsBody(text);
  // On Booth's clock already (see FUTURE_SLACK_MS): bounded, in the batch's order, never shifted by arrival.
  const times = eventTimes(
    batch.events.map((e) => e.at),
    { from: w.opensAt.getTime() - REPORT_MARGIN_MS, received: now.getTime() },
  );
  const roomSession = await room.roomSession();

  return db.$transaction(async (tx) => {
    if (batch.batchId && !(await recordEventOnce(tx, "client", `${actor.id}:${batch.batchId}`, "diagnostics")))
      return { accepted: 0, duplicate: true };
    for (const [i, e] of batch.events.entries()) {
      const at = times[i]!;
      const { type, at: _at, ...rest } = e;
      await appendTrace(
        {
          traceId: room.traceId,
          type: `client.${type}` as TraceEventType,
          source: "client",
          actorId: actor.id,
          occurredAt: at,
          payload: { ...rest, role },
        },
        tx,
      );
      const change = e.seq ? connectionUpdate(e, at) : null;
      if (change && e.seq) {
        await tx.participantConnection.updateMany({
          where: {
            roomSessionId: roomSession.id,
            identity: actor.id,
            attempt: e.seq,
            ...(change.onlyIfNull ? { [change.onlyIfNull]: null } : {}),
          },
          data: change.data,
        });
      }
    }
    return { accepted: batch.events.length, duplicate: false };
  });
}
