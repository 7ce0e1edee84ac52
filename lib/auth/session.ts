import "server-only";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Role } from "@/lib/generated/prisma/enums";
import { auth } from "./config";
import { assertRole, type Actor } from "./permissions";

export type SessionState =
  | { kind: "anonymous" }
  /** The cookie is valid but the account was suspended or its sessions revoked since. */
  | { kind: "revoked"; reason: "suspended" | "revoked" }
  | { kind: "user"; user: Actor };

/**
 * Reads the session cookie, then the user row: suspension and revocation (token version) take
 * effect on the very next request, not when the cookie expires. Cached once per request.
 */
export const getSessionState = cache(async (): Promise<SessionState> => {
  const session = (await auth()) as { user?: { id?: string }; tokenVersion?: number } | null;
  const id = session?.user?.id;
  if (!id) return { kind: "anonymous" };
  const user = await db.user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, role: true, status: true, tokenVersion: true },
  });
  if (!user) return { kind: "anonymous" };
  if (user.status === "suspended") return { kind: "revoked", reason: "suspended" };
  if (user.tokenVersion !== session.tokenVersion) return { kind: "revoked", reason: "revoked" };
  const { tokenVersion: _tv, ...actor } = user;
  return { kind: "user", user: actor };
});

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
