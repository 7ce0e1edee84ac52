import { DEFAULT_BRAND_ID } from "@/lib/branding/theme";
import { AppError } from "@/lib/errors";
import type { Role, UserStatus } from "@/lib/generated/prisma/enums";

/**
 * The acting user every service receives, loaded fresh from the database on each request. `twoFactor`:
 * the account has a TOTP second factor on (admins must, to act as admins).
 */
export type Actor = {
  id: string;
  /** The brand the account belongs to; always the request's brand (lib/auth/session.ts checks). */
  brandId: string;
  email: string;
  name: string;
  role: Role;
  status: UserStatus;
  twoFactor: boolean;
  /** Their own time zone from account settings (set on the request's user; null or absent: none chosen). */
  timeZone?: string | null;
};

/** What an admin without a second factor is told; pages send them to set it up (lib/auth/session.ts). */
export const ADMIN_NEEDS_TWO_FACTOR =
  "Admins need two-step sign-in. Set it up under Account → Two-step sign-in, then try again.";

/** An admin acting as admin without the second factor on: refused everywhere admin rights are checked. */
export function lacksRequiredTwoFactor(actor: Pick<Actor, "role" | "twoFactor">) {
  return actor.role === "admin" && !actor.twoFactor;
}

export function hasRole(actor: Pick<Actor, "role">, roles: readonly Role[]) {
  return roles.includes(actor.role);
}

/** Throws 403 unless the actor is active and holds one of `roles`. Services call this next to the data. */
export function assertRole(actor: Actor | null | undefined, roles: readonly Role[]): asserts actor is Actor {
  if (!actor) throw new AppError("unauthorized", "Sign in to continue.");
  if (actor.status !== "active")
    throw new AppError("suspended", "Your account is suspended. Contact support if you think this is a mistake.");
  if (!hasRole(actor, roles)) throw new AppError("forbidden", "You don't have permission to do that.");
  if (lacksRequiredTwoFactor(actor))
    throw new AppError("forbidden", ADMIN_NEEDS_TWO_FACTOR).withDetails({ reason: "two_factor_required" });
}

/** An admin of the platform brand: manages every brand (creates them, gives them hosts, sees their records). */
export function isPlatformAdmin(actor: Pick<Actor, "role" | "brandId">) {
  return actor.role === "admin" && actor.brandId === DEFAULT_BRAND_ID;
}

/** Where each role lands after signing in. */
export function homeFor(role: Role) {
  return role === "admin" ? "/admin" : role === "creator" ? "/studio" : "/dashboard";
}

/**
 * An admin of brand `brandId` (the brand of the record at hand: its people's), or a platform admin, who
 * is an admin of every brand. The one rule behind actingPartyOf, show staff and recording access.
 */
export function isAdminOfBrand(actor: Pick<Actor, "role" | "brandId">, brandId: string) {
  return actor.role === "admin" && (actor.brandId === brandId || actor.brandId === DEFAULT_BRAND_ID);
}

/**
 * The brand whose records an actor sees and changes: their own, or null for every brand (a platform
 * admin). Every query over creators, bookings, reports, sessions and money filters through
 * inActorsBrand, next to the data, as roles are checked.
 */
export function actorsBrandId(actor: Pick<Actor, "role" | "brandId">): string | null {
  return isPlatformAdmin(actor) ? null : actor.brandId;
}

/** A Prisma filter for a users relation (or the users table): accounts the actor may see. */
export function inActorsBrand(actor: Pick<Actor, "role" | "brandId">): { brandId?: string } {
  const brandId = actorsBrandId(actor);
  return brandId === null ? {} : { brandId };
}
