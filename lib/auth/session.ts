import "server-only";
import { cookies } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { getRequestBrandId } from "@/lib/branding/queries";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { Role } from "@/lib/generated/prisma/enums";
import { decodeSessionJwt } from "./jwt";
import { assertRole, lacksRequiredTwoFactor, type Actor } from "./permissions";
import { resolveSession, type SessionState } from "./sessions";

export type { SessionState };

/** next-auth's session cookie: the __Secure- name over https, the plain one over http. */
const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

/**
 * The session of this request: the cookie's claims (next-auth's encrypted JWT, decoded and checked for
 * expiry as next-auth does, lib/auth/jwt.ts), then the one rule every request goes through,
 * resolveSession (lib/auth/sessions.ts): a live session row of a user who is not suspended. This is what
 * `auth()` does through next-auth's jwt callback, without its second pass (auth() builds an internal
 * request, runs the callbacks and re-encrypts a cookie that a server render cannot set) and without reading
 * the session row twice. Cached per request.
 */
export const getSessionState = cache(async (): Promise<SessionState> => {
  const jar = await cookies();
  for (const name of SESSION_COOKIES) {
    const token = readCookie(jar, name);
    if (token === null) continue;
    try {
      const claims = await decodeSessionJwt(token, env.AUTH_SECRET, name);
      const [state, brandId] = await Promise.all([claims ? resolveSession(claims) : null, getRequestBrandId()]);
      // An account counts only on its own brand's hosts (accounts are per brand; cookies are per host, so
      // this is a cookie carried over by hand): there it is nobody.
      if (state?.kind === "user" && state.user.brandId !== brandId) return { kind: "anonymous" };
      // A cookie that decodes to no user (or does not decode: another secret, expired) is an ended session.
      if (state && state.kind !== "anonymous") return state;
    } catch {
      // An unreadable cookie is an ended session like any other.
    }
    return { kind: "revoked", reason: "revoked" };
  }
  return { kind: "anonymous" };
});

/** A cookie's value, joined again when next-auth split it into chunks (`name.0`, `name.1`, … past 4 kB). */
function readCookie(jar: Awaited<ReturnType<typeof cookies>>, name: string): string | null {
  const whole = jar.get(name)?.value;
  if (whole !== undefined) return whole;
  const chunks: string[] = [];
  for (let i = 0; ; i++) {
    const part = jar.get(`${name}.${i}`)?.value;
    if (part === undefined) break;
    chunks.push(part);
  }
  return chunks.length ? chunks.join("") : null;
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
  // An admin without the second factor sets it up before any admin page (and every service refuses them too).
  if (lacksRequiredTwoFactor(user)) redirect(`/account/two-factor?required=1&next=${encodeURIComponent(returnTo)}`);
  return user;
}
