import { hashPassword } from "@/lib/auth/password";
import type { Actor } from "@/lib/auth/permissions";
import { sealTotpSecret } from "@/lib/auth/totp";
import { db } from "@/lib/db";
import { TEST_TOTP_SECRET } from "./totp";
import type { Role } from "@/lib/generated/prisma/enums";

let n = 0;
/** An address no other test uses. */
export function uniqueEmail(tag = "user") {
  return `${tag}-${process.pid}-${Date.now().toString(36)}-${n++}@test.booth`;
}

export const TEST_PASSWORD = "correct horse battery";
let hashed: Promise<string> | undefined;

/**
 * A user row; returns the acting-user shape services take. Admins get two-step sign-in with
 * TEST_TOTP_SECRET (admins must have it) unless `twoFactor: false`.
 */
export async function createUser(
  opts: {
    role?: Role;
    name?: string;
    email?: string;
    suspended?: boolean;
    unverified?: boolean;
    twoFactor?: boolean;
    /** Creators are verified (identity and age) unless this is true. */
    unverifiedCreator?: boolean;
    /** The brand the account belongs to (default: the default brand). */
    brandId?: string;
  } = {},
): Promise<Actor> {
  hashed ??= hashPassword(TEST_PASSWORD);
  const twoFactor = opts.twoFactor ?? opts.role === "admin";
  const { totpEnabledAt, ...row } = await db.user.create({
    data: {
      brandId: opts.brandId ?? "default",
      email: opts.email ?? uniqueEmail(opts.role ?? "viewer"),
      name: opts.name ?? "Test User",
      role: opts.role ?? "viewer",
      status: opts.suspended ? "suspended" : "active",
      passwordHash: await hashed,
      emailVerifiedAt: opts.unverified ? null : new Date(),
      creatorVerifiedAt: opts.role === "creator" && !opts.unverifiedCreator ? new Date() : null,
      ...(twoFactor
        ? { totpSecret: sealTotpSecret(TEST_TOTP_SECRET, process.env.AUTH_SECRET!), totpEnabledAt: new Date() }
        : {}),
    },
    select: { id: true, brandId: true, email: true, name: true, role: true, status: true, totpEnabledAt: true },
  });
  return { ...row, twoFactor: totpEnabledAt !== null };
}

/** A creator with a published profile in `timeZone`. */
export async function createCreator(opts: { timeZone?: string; published?: boolean } = {}) {
  const user = await createUser({ role: "creator", name: "Test Creator" });
  const profile = await db.creatorProfile.create({
    data: {
      userId: user.id,
      slug: `c-${user.id.slice(-10)}`,
      displayName: "Test Creator",
      timeZone: opts.timeZone ?? "Europe/Berlin",
      published: opts.published ?? true,
    },
    select: { id: true, slug: true },
  });
  return { user, profile };
}
