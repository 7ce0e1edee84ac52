import "server-only";
import { randomBytes } from "node:crypto";
import type { Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { Prisma } from "@/lib/generated/prisma/client";
import type { BookingStatus, UserStatus } from "@/lib/generated/prisma/enums";
import { type BudgetName, budgetSpendSql, takeBudget } from "@/lib/rate-limit";
import { isValidTimeZone } from "@/lib/time";
import { timed } from "@/lib/timing";
import { appendTrace, traceRow } from "@/lib/trace/service";
import { tokenBudget } from "./limits";
import { ensureLivekitRoom, isUnreachable, publicLivekitUrl, signJoinToken } from "./livekit";
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
  const where = { bookingId: booking.id };
  // Prisma's upsert reads then inserts: two first asks at once both insert, and one loses on the unique key.
  return client.roomSession
    .upsert({
      where,
      create: { bookingId: booking.id, traceId: booking.traceId, roomName: roomNameFor(booking.id) },
      update: {},
    })
    .catch(async (err: unknown) => {
      if (isUniqueViolation(err)) return client.roomSession.findUniqueOrThrow({ where });
      throw err;
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
  const where = { groupEventId: show.id };
  const found = await client.roomSession.findUnique({ where });
  if (found) return found;
  return client.roomSession
    .upsert({
      where,
      create: { groupEventId: show.id, traceId: show.traceId, roomName: showRoomName(show.id) },
      update: {},
    })
    .catch(async (err: unknown) => {
      if (isUniqueViolation(err)) return client.roomSession.findUniqueOrThrow({ where });
      throw err;
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
  // One round trip: the booking, its creator, its room row if any, and the asker's row, re-read here beside
  // the data (a suspension made a moment ago counts even if the caller's session check passed).
  const [row] = await timed(
    "read",
    () =>
      db.$queryRaw<TokenAskRow[]>`
      SELECT b.id, b."traceId", b."viewerId", b.status::text AS status, b."startsAt", b."endsAt", b."viewerTimeZone",
             c."userId" AS "creatorUserId", c."timeZone" AS "creatorTimeZone",
             u.id AS "userId", u.name AS "userName", u.status::text AS "userStatus",
             rs.id AS "roomSessionId", rs."roomName"
        FROM bookings b
        JOIN creator_profiles c ON c.id = b."creatorId"
        LEFT JOIN users u ON u.id = ${actor.id}
        LEFT JOIN room_sessions rs ON rs."bookingId" = b.id
       WHERE b.id = ${bookingId}`,
  );
  if (!row) throw new AppError("not_found", "No such session.");
  if (!row.userId) throw new AppError("unauthorized", "Sign in to continue.");
  const booking = { ...row, status: row.status as BookingStatus };
  const user = { id: row.userId, name: row.userName ?? "", status: row.userStatus as UserStatus };
  const askerZone =
    input.timeZone && isValidTimeZone(input.timeZone)
      ? input.timeZone
      : actor.id === booking.creatorUserId
        ? booking.creatorTimeZone
        : booking.viewerTimeZone;
  const decision = decideToken(
    { userId: user.id, userStatus: user.status, booking, now, timeZone: askerZone },
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
  // The room row exists from the first token on: only that first ask writes it.
  const roomSession =
    row.roomSessionId && row.roomName
      ? { id: row.roomSessionId, roomName: row.roomName }
      : await timed("room-row", () => ensureRoomSession(booking));
  return grantRoomToken({
    user,
    role: decision.role,
    input,
    window: decision.window,
    traceId: booking.traceId,
    roomSession,
    metadata: { bookingId: booking.id },
    session: { startsAt: booking.startsAt, endsAt: booking.endsAt },
    now,
    budget: tokenBudget(user.id, booking.id),
  });
}

type TokenAskRow = {
  id: string;
  traceId: string;
  viewerId: string;
  status: string;
  startsAt: Date;
  endsAt: Date;
  viewerTimeZone: string;
  creatorUserId: string;
  creatorTimeZone: string;
  userId: string | null;
  userName: string | null;
  userStatus: string | null;
  roomSessionId: string | null;
  roomName: string | null;
};

/** A new row id in the shape of Prisma's cuid() default (a "c" and 24 lowercase letters and digits). */
const newRowId = () => `c${randomBytes(12).toString("hex")}`;

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
  /** The per-participant budget this token spends, in the statement that writes its connection row. */
  budget?: { name: BudgetName; key: string };
}): Promise<TokenResponse> {
  const { user, role, input, window, traceId, roomSession, now } = g;
  const attempt = input.attempt ?? 1;
  const policy = input.policy ?? (attempt === 2 ? "relay" : "all");
  try {
    await timed("livekit", () => ensureLivekitRoom(roomSession.roomName, window.closesAt, now, g.maxParticipants));
  } catch (err) {
    if (!isUnreachable(err)) throw err;
    // The media server did not answer: the trace says so (support's verdict: "the media server was
    // unreachable", not "got a token but never joined"), and the page retries after a short wait.
    // Every ask spends from the budget, also when the answer is "unreachable": its trace event is a row too.
    if (g.budget) await takeBudget(g.budget.name, g.budget.key);
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
  const event = (seq: number) =>
    traceRow({
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
    });
  // Checked against token.issued's schema here; the connection number is set by the statement below.
  const payload = event(1).payload;
  // One statement, so one round trip and atomic: spend the budget, then (only within it) write the connection
  // row with the next connection number of this identity in this room, and its token.issued event. Two asks
  // of one identity at once cannot take the same number (the unique key on room, identity and number); the
  // loser writes nothing and asks again under the room row's lock, without spending twice.
  type Written = { points: number; expire: bigint | null; seq: number | null };
  const write = (
    client: Pick<Prisma.TransactionClient, "$queryRaw">,
    spend: ReturnType<typeof budgetSpendSql> | null,
  ) =>
    client.$queryRaw<Written[]>`
      WITH spent AS (${spend ? spend.sql : Prisma.sql`SELECT 1 AS points, NULL::bigint AS expire`}),
      conn AS (
        INSERT INTO participant_connections
          ("id", "roomSessionId", "userId", "identity", "role", "joinId", "attempt", "iceTransportPolicy",
           "tokenIssuedAt", "createdAt", "updatedAt")
        SELECT ${newRowId()}, ${roomSession.id}, ${user.id}, ${user.id}, ${role}::"Role", ${joinId},
               COALESCE(MAX(pc."attempt"), 0) + 1, ${policy}::"IceTransportPolicy", ${now}, ${now}, ${now}
          FROM participant_connections pc
         WHERE pc."roomSessionId" = ${roomSession.id} AND pc."identity" = ${user.id}
        HAVING (SELECT points FROM spent) <= ${spend ? spend.max : 1}
        ON CONFLICT ("roomSessionId", "identity", "attempt") DO NOTHING
        RETURNING "attempt"
      ),
      traced AS (
        INSERT INTO trace_events ("traceId", "type", "source", "schemaVersion", "actorId", "payload", "occurredAt")
        SELECT ${traceId}, 'token.issued', 'app'::"TraceSource", 1, ${user.id},
               ${JSON.stringify(payload)}::jsonb || jsonb_build_object('seq', conn."attempt"), ${now}
          FROM conn
      )
      SELECT (SELECT points FROM spent)::int AS points, (SELECT expire FROM spent) AS expire,
             (SELECT "attempt" FROM conn) AS seq`;
  const spend = g.budget ? budgetSpendSql(g.budget.name, g.budget.key, now.getTime()) : null;
  const [first] = await timed("connection-row", () => write(db, spend));
  const refused = spend && first ? spend.refusal(first) : null;
  if (refused) throw refused;
  let seq = first?.seq ?? null;
  // Another ask of this identity took the same number at the same moment (two tabs, a double click): the
  // budget is spent; take the number again under the room row's lock, one ask at a time.
  for (let round = 0; seq === null; round++) {
    if (round === 5) throw new AppError("conflict", "Too many joins at once; try again.");
    seq = await timed("connection-row", () =>
      db.$transaction(async (tx) => {
        // NO KEY UPDATE: serialises these retries with one another, yet lets the lock-free first tries' foreign
        // key checks (KEY SHARE on this row) through; FOR UPDATE would deadlock with one of them.
        await tx.$queryRaw`SELECT id FROM room_sessions WHERE id = ${roomSession.id} FOR NO KEY UPDATE`;
        const [again] = await write(tx, null);
        return again?.seq ?? null;
      }),
    );
  }
  const token = await timed("sign", () =>
    signJoinToken({
      roomName: roomSession.roomName,
      identity: user.id,
      name: user.name,
      ttlSeconds,
      metadata: { role, ...g.metadata, attempt, seq, policy, joinId },
      publish: g.publish,
    }),
  );
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
