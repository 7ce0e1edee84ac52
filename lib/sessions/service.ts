import "server-only";
import type { Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import type { Prisma } from "@/lib/generated/prisma/client";
import { isValidTimeZone } from "@/lib/time";
import { appendTrace } from "@/lib/trace/service";
import { takeToken } from "./limits";
import { ensureLivekitRoom, isUnreachable, publicLivekitUrl, signJoinToken } from "./livekit";
import { decideToken, roomNameFor, type SessionWindowConfig } from "./rules/token-policy";
import { tokenRequest, type TokenResponse } from "./schemas";

const log = logger.child({ module: "session-tokens" });

/** What the room page shows while the media server is away (and retries). */
export const LIVEKIT_UNREACHABLE = "The video service is not reachable right now; we are retrying…";

export const windowConfig = (): SessionWindowConfig => ({
  joinEarlyMinutes: env.SESSION_JOIN_EARLY_MINUTES,
  graceMinutes: env.SESSION_GRACE_MINUTES,
  warningMinutes: env.SESSION_WARNING_MINUTES,
});

/** The room-session row of a booking, created on first need (one per booking, same trace id). */
export async function ensureRoomSession(
  booking: { id: string; traceId: string },
  client: Pick<Prisma.TransactionClient, "roomSession"> = db,
) {
  return client.roomSession.upsert({
    where: { bookingId: booking.id },
    create: { bookingId: booking.id, traceId: booking.traceId, roomName: roomNameFor(booking.id) },
    update: {},
  });
}

/**
 * POST /api/sessions/:id/token. Checks the rules next to the data (a participant, not suspended, paid,
 * inside the join window), records the connection attempt and the trace event in one transaction, and
 * returns a short-lived LiveKit token for this booking's room only.
 */
export async function issueSessionToken(
  actor: Actor,
  bookingId: string,
  raw: unknown,
  now = new Date(),
): Promise<TokenResponse> {
  const input = tokenRequest.parse(raw);
  const booking = await db.booking.findUnique({
    where: { id: bookingId },
    select: {
      id: true,
      traceId: true,
      viewerId: true,
      status: true,
      startsAt: true,
      endsAt: true,
      viewerTimeZone: true,
      creator: { select: { userId: true, timeZone: true } },
    },
  });
  if (!booking) throw new AppError("not_found", "No such session.");
  // Re-read here, beside the data: a suspension made a moment ago counts even if the caller's check passed.
  const user = await db.user.findUniqueOrThrow({
    where: { id: actor.id },
    select: { id: true, name: true, status: true },
  });
  const askerZone =
    input.timeZone && isValidTimeZone(input.timeZone)
      ? input.timeZone
      : actor.id === booking.creator.userId
        ? booking.creator.timeZone
        : booking.viewerTimeZone;
  const decision = decideToken(
    {
      userId: user.id,
      userStatus: user.status,
      booking: { ...booking, creatorUserId: booking.creator.userId },
      now,
      timeZone: askerZone,
    },
    windowConfig(),
  );
  if (!decision.ok) {
    // A stranger learns nothing about someone else's session, not even that it exists (as on the room page).
    if (decision.reason === "not_participant") throw new AppError("not_found", "No such session.");
    await appendTrace({
      traceId: booking.traceId,
      type: "token.refused",
      source: "app",
      actorId: user.id,
      payload: { reason: decision.reason, attempt: input.attempt },
    });
    throw new AppError(decision.reason === "suspended" ? "suspended" : "forbidden", decision.message).withDetails({
      reason: decision.reason,
      opensAt: decision.window.opensAt.toISOString(),
    });
  }
  await takeToken(user.id, booking.id);

  const attempt = input.attempt;
  const policy = input.policy ?? (attempt === 2 ? "relay" : "all");
  const roomSession = await ensureRoomSession(booking);
  // livekit-server does not create rooms on join (room.auto_create: false): Booth opens the room here,
  // inside the join window, so a token (or a refreshed one) cannot reopen it after the server closed it.
  try {
    await ensureLivekitRoom(roomSession.roomName, decision.window.closesAt, now);
  } catch (err) {
    if (!isUnreachable(err)) throw err;
    // The media server did not answer: the trace says so (support's verdict: "the media server was
    // unreachable", not "got a token but never joined"), and the page retries after a short wait.
    log.warn({ err, room: roomSession.roomName }, "livekit-server unreachable while opening a room");
    await appendTrace({
      traceId: booking.traceId,
      type: "livekit.unreachable",
      source: "app",
      actorId: user.id,
      occurredAt: now,
      payload: {
        role: decision.role,
        stage: "room",
        attempt,
        error: String((err as Error)?.message ?? err).slice(0, 200),
      },
    });
    throw new AppError("unavailable", LIVEKIT_UNREACHABLE).withDetails({
      reason: "livekit_unreachable",
      retryAfterSeconds: 3,
    });
  }
  // A token never outlives the room's window.
  const ttlSeconds = Math.max(
    1,
    Math.min(env.SESSION_TOKEN_TTL_SECONDS, Math.floor((decision.window.closesAt.getTime() - now.getTime()) / 1000)),
  );
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  const seq = await db.$transaction(async (tx) => {
    // One connection number at a time per room: concurrent asks never collide on (room, identity, attempt).
    await tx.$queryRaw`SELECT id FROM room_sessions WHERE id = ${roomSession.id} FOR UPDATE`;
    const last = await tx.participantConnection.findFirst({
      where: { roomSessionId: roomSession.id, identity: user.id },
      orderBy: { attempt: "desc" },
      select: { attempt: true },
    });
    const seq = (last?.attempt ?? 0) + 1;
    await tx.participantConnection.create({
      data: {
        roomSessionId: roomSession.id,
        userId: user.id,
        identity: user.id,
        role: decision.role,
        joinId: input.joinId ?? null,
        attempt: seq,
        iceTransportPolicy: policy,
        tokenIssuedAt: now,
      },
    });
    await appendTrace(
      {
        traceId: booking.traceId,
        type: "token.issued",
        source: "app",
        actorId: user.id,
        occurredAt: now,
        payload: {
          role: decision.role,
          seq,
          attempt,
          policy,
          joinId: input.joinId ?? null,
          roomName: roomSession.roomName,
          expiresAt: expiresAt.toISOString(),
        },
      },
      tx,
    );
    return seq;
  });
  const token = await signJoinToken({
    roomName: roomSession.roomName,
    identity: user.id,
    name: user.name,
    ttlSeconds,
    metadata: { role: decision.role, bookingId: booking.id, attempt, seq, policy, joinId: input.joinId ?? null },
  });
  return {
    token,
    url: publicLivekitUrl(),
    roomName: roomSession.roomName,
    identity: user.id,
    role: decision.role,
    attempt,
    seq,
    policy,
    joinId: input.joinId ?? null,
    expiresAt: expiresAt.toISOString(),
    session: {
      startsAt: booking.startsAt.toISOString(),
      endsAt: booking.endsAt.toISOString(),
      opensAt: decision.window.opensAt.toISOString(),
      closesAt: decision.window.closesAt.toISOString(),
      warningAt: decision.window.warningAt.toISOString(),
    },
    connect: { directWindowMs: env.SESSION_DIRECT_WINDOW_MS, relayWindowMs: env.SESSION_RELAY_WINDOW_MS },
    serverTime: now.toISOString(),
  };
}
