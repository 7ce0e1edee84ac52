import "server-only";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import type { Role, UserStatus } from "@/lib/generated/prisma/enums";
import { logger } from "@/lib/logger";
import type { Actor } from "./permissions";

/**
 * Server-side sign-in sessions. Every sign-in gets an `auth_sessions` row whose id travels in the JWT
 * (`sid`); each request checks the row, so signing out ends that session on the server (a copied
 * cookie stops working at once) while the user's other devices stay signed in.
 */

export type SessionState =
  | { kind: "anonymous" }
  /** The cookie was real but the server no longer honours it (suspended, signed out, expired). */
  | { kind: "revoked"; reason: "suspended" | "revoked" }
  | { kind: "user"; user: Actor; sessionId: string };

/** What the JWT carries about the session (see lib/auth/config.ts). */
export type SessionClaims = { uid?: unknown; sid?: unknown; tv?: unknown; [claim: string]: unknown };

const HOUR = 3_600_000;

/** How long a sign-in of a user with `role` lasts. Admins get the shorter lifetime. */
export function sessionLifetimeMs(role: Role) {
  return (role === "admin" ? env.AUTH_ADMIN_SESSION_MAX_AGE_HOURS : env.AUTH_SESSION_MAX_AGE_HOURS) * HOUR;
}

/**
 * When a session ends: its recorded expiry, or sooner if the user's role now has a shorter lifetime
 * (a viewer promoted to admin keeps an admin's lifetime from the moment they signed in, not 30 days).
 */
export function sessionEndsAt(s: { createdAt: Date; expiresAt: Date }, role: Role) {
  return new Date(Math.min(s.expiresAt.getTime(), s.createdAt.getTime() + sessionLifetimeMs(role)));
}

/** Records a new sign-in; its id goes into the JWT. */
export async function startAuthSession(userId: string, role: Role) {
  const now = new Date();
  return db.authSession.create({
    data: { userId, createdAt: now, expiresAt: new Date(now.getTime() + sessionLifetimeMs(role)) },
    select: { id: true, expiresAt: true },
  });
}

/**
 * The one rule every request goes through (pages, routes and actions via lib/auth/session.ts, and
 * next-auth's /api/auth/session via the jwt callback): the session row exists, belongs to the token's
 * user, is not revoked and has not ended; the user is not suspended and the token version still matches
 * (suspension bumps it).
 */
export async function resolveSession(claims: SessionClaims, now = new Date()): Promise<SessionState> {
  if (typeof claims.uid !== "string" || !claims.uid) return { kind: "anonymous" };
  // A token from before server-side sessions has no sid: it is no longer honoured.
  if (typeof claims.sid !== "string" || !claims.sid) return { kind: "revoked", reason: "revoked" };
  // One round trip (a join, not a query per relation): every request, page and route goes through here.
  const [found] = await db.$queryRaw<SessionRow[]>`
    SELECT s."userId", s."createdAt", s."expiresAt", s."revokedAt",
           u.id, u."brandId", u.email, u.name, u.role::text AS role, u.status::text AS status, u."tokenVersion",
           (u."totpEnabledAt" IS NOT NULL) AS "twoFactor", u."timeZone"
      FROM auth_sessions s JOIN users u ON u.id = s."userId"
     WHERE s.id = ${claims.sid}`;
  const row = found && {
    userId: found.userId,
    createdAt: found.createdAt,
    expiresAt: found.expiresAt,
    revokedAt: found.revokedAt,
    user: {
      id: found.id,
      brandId: found.brandId,
      email: found.email,
      name: found.name,
      role: found.role as Role,
      status: found.status as UserStatus,
      tokenVersion: found.tokenVersion,
      twoFactor: found.twoFactor,
      timeZone: found.timeZone,
    },
  };
  if (!row || row.userId !== claims.uid) return { kind: "revoked", reason: "revoked" };
  const { tokenVersion, ...actor } = row.user;
  if (actor.status === "suspended") return { kind: "revoked", reason: "suspended" };
  if (row.revokedAt || sessionEndsAt(row, actor.role) <= now) return { kind: "revoked", reason: "revoked" };
  if (tokenVersion !== claims.tv) return { kind: "revoked", reason: "revoked" };
  return { kind: "user", user: actor, sessionId: claims.sid };
}

type SessionRow = {
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  id: string;
  brandId: string;
  email: string;
  name: string;
  role: string;
  status: string;
  tokenVersion: number;
  twoFactor: boolean;
  timeZone: string | null;
};

/** Signing out: this session ends, the user's others do not. Safe to call twice. */
export async function endAuthSession(sessionId: string) {
  await db.authSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/** "Sign out everywhere": every session of the actor ends, this one included. Returns how many were open. */
export async function endAllAuthSessions(actor: Pick<Actor, "id">) {
  const { count } = await db.authSession.updateMany({
    where: { userId: actor.id, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  logger.info({ userId: actor.id, sessions: count }, "signed out everywhere");
  return count;
}

/** The actor's sessions that are still live, newest first, for the account page. */
export async function listLiveSessions(actor: Pick<Actor, "id" | "role">, now = new Date()) {
  const rows = await db.authSession.findMany({
    where: { userId: actor.id, revokedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
    take: 100,
    select: { id: true, createdAt: true, expiresAt: true },
  });
  return rows
    .map((r) => ({ id: r.id, createdAt: r.createdAt, endsAt: sessionEndsAt(r, actor.role) }))
    .filter((r) => r.endsAt > now);
}
