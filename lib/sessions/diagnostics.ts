import "server-only";
import pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import type { Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { appendTrace } from "@/lib/trace/service";
import type { TraceEventType } from "@/lib/trace/events";
import { diagnosticsBatch, MAX_DIAGNOSTICS_BODY, type DiagnosticEvent } from "./schemas";
import { ensureRoomSession } from "./service";

/** A client's clock may be off; its times are kept within this much of Booth's receive time. */
export const CLIENT_CLOCK_SLACK_MS = 5 * 60_000;

const g = globalThis as unknown as { boothDiagPool?: pg.Pool; boothDiagLimiter?: RateLimiterPostgres };

function limiter() {
  g.boothDiagPool ??= new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 });
  return (g.boothDiagLimiter ??= new RateLimiterPostgres({
    storeClient: g.boothDiagPool, storeType: "pool", tableName: "rate_limits", tableCreated: true,
    keyPrefix: "diagnostics", points: env.DIAGNOSTICS_MAX_BATCHES_PER_MINUTE, duration: 60,
  }));
}

/** Parses a diagnostics body: 413 when too large, 400 when not JSON, 422 with field errors when malformed. */
export function parseDiagnosticsBody(text: string) {
  if (Buffer.byteLength(text) > MAX_DIAGNOSTICS_BODY) {
    throw new AppError("payload_too_large", `A diagnostics batch may be at most ${MAX_DIAGNOSTICS_BODY} bytes; send fewer events per batch.`);
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

const clampTime = (at: string, now: Date) => {
  const t = new Date(at).getTime();
  return new Date(Math.min(Math.max(t, now.getTime() - CLIENT_CLOCK_SLACK_MS), now.getTime() + CLIENT_CLOCK_SLACK_MS));
};

/** What an event changes on its connection row (participant_connections), if anything. */
function connectionUpdate(e: DiagnosticEvent, at: Date): { data: Prisma.ParticipantConnectionUpdateManyMutationInput; onlyIfNull?: "signalConnectedAt" | "firstMediaAt" | "disconnectReason" } | null {
  switch (e.type) {
    case "signal_connected":
      return { data: { signalConnectedAt: at }, onlyIfNull: "signalConnectedAt" };
    case "ice_selected":
      return { data: { localCandidateType: e.localCandidateType, remoteCandidateType: e.remoteCandidateType ?? null, protocol: e.protocol, relayProtocol: e.relayProtocol ?? null } };
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
  const booking = await db.booking.findUnique({ where: { id: bookingId }, select: { id: true, traceId: true, viewerId: true, creator: { select: { userId: true } } } });
  const role = !booking ? null : booking.viewerId === actor.id ? "viewer" : booking.creator.userId === actor.id ? "creator" : null;
  if (!booking || !role) throw new AppError("forbidden", "Only this session's viewer and creator can report on it.");

  try {
    await limiter().consume(`${actor.id}:${bookingId}`);
  } catch (err) {
    if (err instanceof RateLimiterRes) {
      throw new AppError("rate_limited", `Too many diagnostics reports; wait ${Math.ceil(err.msBeforeNext / 1000)} s.`).withDetails({ retryAfterSeconds: Math.ceil(err.msBeforeNext / 1000) });
    }
    throw err;
  }
  const batch = parseDiagnosticsBody(text);
  const roomSession = await ensureRoomSession(booking);

  return db.$transaction(async (tx) => {
    if (batch.batchId) {
      const fresh = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO processed_webhook_events (id, source, "eventId", type, "receivedAt", "processedAt")
        VALUES (gen_random_uuid()::text, 'client', ${`${actor.id}:${batch.batchId}`}, 'diagnostics', timezone('utc', now()), timezone('utc', now()))
        ON CONFLICT (source, "eventId") DO NOTHING RETURNING id`;
      if (fresh.length === 0) return { accepted: 0, duplicate: true };
    }
    for (const e of batch.events) {
      const at = clampTime(e.at, now);
      const { type, at: _at, ...rest } = e;
      await appendTrace({ traceId: booking.traceId, type: `client.${type}` as TraceEventType, source: "client", actorId: actor.id, occurredAt: at, payload: { ...rest, role } }, tx);
      const change = e.seq ? connectionUpdate(e, at) : null;
      if (change && e.seq) {
        await tx.participantConnection.updateMany({
          where: { roomSessionId: roomSession.id, identity: actor.id, attempt: e.seq, ...(change.onlyIfNull ? { [change.onlyIfNull]: null } : {}) },
          data: change.data,
        });
      }
    }
    return { accepted: batch.events.length, duplicate: false };
  });
}
