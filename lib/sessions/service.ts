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
import { lockParticipantConnections } from "./locks";
import {
  decideToken,
  roomNameFor,
  type SessionWindow,
  type SessionWindowConfig,
  showRoomName,
} from "./rules/token-policy";
import { type TokenRequest, tokenRequest, type TokenResponse } from "./schemas";

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
 * The room-session row of a group show (one per show, the show's trace id), created on first need. Read
 * first: every viewer's token and every LiveKit webhook of the show asks, and Prisma's upsert of an existing
 * row costs a transaction and two reads where one read does.
 */
export async function ensureShowRoomSession(
  show: { id: string; traceId: string },
  client: Pick<Prisma.TransactionClient, "roomSession"> = db,
) {
  const found = await client.roomSession.findUnique({ where: { groupEventId: show.id } });
  if (found) return found;
  return client.roomSession.upsert({
    where: { groupEventId: show.id },
    create: { groupEventId: show.id, traceId: show.traceId, roomName: showRoomName(show.id) },
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
  return grantRoomToken({
    user,
    role: decision.role,
    input,
    window: decision.window,
    traceId: booking.traceId,
    roomSession: await ensureRoomSession(booking),
    metadata: { bookingId: booking.id },
    session: { startsAt: booking.startsAt, endsAt: booking.endsAt },
    now,
  });
}

/**
 * The part of a join token every room shares, once its rules have said yes: the LiveKit room opened inside
 * the window (livekit-server does not create rooms on join, so a token cannot reopen a closed room), the
 * connection row and its `token.issued` event in one transaction (one connection number at a time per
 * room), and a token that never outlives the window. A media server that does not answer is a 503 the room
 * page retries, and a `livekit.unreachable` event.
 */
export async function grantRoomToken(g: {
  user: { id: string; name: string };
  role: "viewer" | "creator";
  input: TokenRequest;
  window: SessionWindow;
  /** The trace this participant's events go on (a booking's; a ticket's, or the show's for its creator). */
  traceId: string;
  roomSession: { id: string; roomName: string };
  metadata: { bookingId?: string; showId?: string };
  session: { startsAt: Date; endsAt: Date };
  now: Date;
  publish?: "full" | "stage" | "audience";
  maxParticipants?: number;
}): Promise<TokenResponse> {
  const { user, role, input, window, traceId, roomSession, now } = g;
  const attempt = input.attempt ?? 1;
  const policy = input.policy ?? (attempt === 2 ? "relay" : "all");
  try {
    await ensureLivekitRoom(roomSession.roomName, window.closesAt, now, g.maxParticipants);
  } catch (err) {
    if (!isUnreachable(err)) throw err;
    // The media server did not answer: the trace says so (support's verdict: "the media server was
    // unreachable", not "got a token but never joined"), and the page retries after a short wait.
    log.warn({ err, room: roomSession.roomName }, "livekit-server unreachable while opening a room");
    await appendTrace({
      traceId,
      type: "livekit.unreachable",
      source: "app",
      actorId: user.id,
      occurredAt: now,
      payload: { role, stage: "room", attempt, error: String((err as Error)?.message ?? err).slice(0, 200) },
    });
    throw new AppError("unavailable", LIVEKIT_UNREACHABLE).withDetails({
      reason: "livekit_unreachable",
      retryAfterSeconds: 3,
    });
  }
  // A token never outlives the room's window.
  const ttlSeconds = Math.max(
    1,
    Math.min(env.SESSION_TOKEN_TTL_SECONDS, Math.floor((window.closesAt.getTime() - now.getTime()) / 1000)),
  );
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  const joinId = input.joinId ?? null;
  const seq = await db.$transaction(async (tx) => {
    // One connection number at a time per participant: concurrent asks (and LiveKit's webhooks about them)
    // never collide on (room, identity, attempt).
    await lockParticipantConnections(tx, roomSession.id, user.id);
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
        role,
        joinId,
        attempt: seq,
        iceTransportPolicy: policy,
        tokenIssuedAt: now,
      },
    });
    await appendTrace(
      {
        traceId,
        type: "token.issued",
        source: "app",
        actorId: user.id,
        occurredAt: now,
        payload: {
          role,
          seq,
          attempt,
          policy,
          joinId,
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
    metadata: { role, ...g.metadata, attempt, seq, policy, joinId },
    publish: g.publish,
  });
  return {
    token,
    url: publicLivekitUrl(),
    roomName: roomSession.roomName,
    identity: user.id,
    role,
    attempt,
    seq,
    policy,
    joinId,
    expiresAt: expiresAt.toISOString(),
    session: {
      startsAt: g.session.startsAt.toISOString(),
      endsAt: g.session.endsAt.toISOString(),
      opensAt: window.opensAt.toISOString(),
      closesAt: window.closesAt.toISOString(),
      warningAt: window.warningAt.toISOString(),
    },
    connect: { directWindowMs: env.SESSION_DIRECT_WINDOW_MS, relayWindowMs: env.SESSION_RELAY_WINDOW_MS },
    serverTime: now.toISOString(),
  };
}
