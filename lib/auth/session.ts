import "server-only";
import { decode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { Role } from "@/lib/generated/prisma/enums";
import { auth } from "./config";
import { assertRole, type Actor } from "./permissions";
import { resolveSession, type SessionState } from "./sessions";

export type { SessionState };

/** next-auth's session cookie: the __Secure- name over https, the plain one over http. */
const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

/**
 * The session of this request. next-auth's jwt callback checks the session row (lib/auth/sessions.ts
 * resolveSession) and ends a session the server no longer honours, so `auth()` returns null for it;
 * then the cookie is read once more to tell the user why (suspended, or signed out). Cached per request.
 */
export const getSessionState = cache(async (): Promise<SessionState> => {
  const session = (await auth()) as { user?: { id?: string }; sessionId?: string; tokenVersion?: number } | null;
  if (!session?.user?.id) return whyRefused();
  // Checked again with the claims auth() returned, so the Actor comes from the same rule and read.
  return resolveSession({ uid: session.user.id, sid: session.sessionId, tv: session.tokenVersion });
});

/** A request whose cookie auth() refused: anonymous without a cookie, else the reason it ended. */
async function whyRefused(): Promise<SessionState> {
  const jar = await cookies();
  const name = SESSION_COOKIES.find((n) => jar.has(n));
  if (!name) return { kind: "anonymous" };
  try {
    const claims = await decode({ token: jar.get(name)!.value, secret: env.AUTH_SECRET, salt: name });
    const state = claims ? await resolveSession(claims) : null;
    if (state?.kind === "revoked") return state;
  } catch {
    // An unreadable cookie (another secret, expired) is an ended session like any other.
  }
  return { kind: "revoked", reason: "revoked" };
}

export async function getCurrentUser(): Promise<Actor | null> {
  const state = await getSessionState();
  return state.kind === "user" ? state.user : null;
}

/** For route handlers and server actions: the active user, or a 401/403 AppError. */
export async function requireUser(): Promise<Actor> {
  const state = await getSessionState();
  if (state.kind === "user") return state.user;
  if (state.kind === "revoked" && state.reason === "suspended") {
    throw new AppError("suspended", "Your account is suspended. Contact support if you think this is a mistake.");
  }
  throw new AppError("unauthorized", "Sign in to continue.");
}

export async function requireRole(...roles: Role[]): Promise<Actor> {
  const user = await requireUser();
  assertRole(user, roles);
  return user;
}

/**
 * For pages: the active user, or a redirect. A revoked session goes through /auth/ended, which
 * clears the cookie and shows the sign-in page with the reason.
 */
export async function requirePageUser(returnTo: string): Promise<Actor> {
  const state = await getSessionState();
  if (state.kind === "user") return state.user;
  if (state.kind === "revoked") redirect(`/auth/ended?reason=${state.reason}`);
  redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
}

/** For pages: the active user holding one of `roles`; anyone else gets the 403 page. */
export async function requirePageRole(returnTo: string, ...roles: Role[]): Promise<Actor> {
  const user = await requirePageUser(returnTo);
  if (!roles.includes(user.role)) forbidden();
  return user;
}
