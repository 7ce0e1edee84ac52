import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import QRCode from "qrcode";
import { getBrand } from "@/lib/branding/queries";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, fieldError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { takeBudget } from "@/lib/rate-limit";
import { verifyPassword } from "./password";
import type { Actor } from "./permissions";
import { confirmTwoFactorInput, disableTwoFactorInput } from "./schemas";
import {
  matchTotpStep,
  groupedKey,
  hashRecoveryCode,
  isRecoveryCodeShape,
  newRecoveryCodes,
  newTotpSecret,
  openTotpSecret,
  sealTotpSecret,
  totpUri,
} from "./totp";

/**
 * The TOTP second factor of an account (/account/two-factor): enrol with a QR code or the key, confirm
 * with a code (recovery codes shown once), turn off with password and code. Optional for everyone,
 * required for admins (lib/auth/permissions.ts refuses an admin without it). The sign-in side is in
 * lib/auth/service.ts.
 */

export type TwoFactorStatus = {
  enabled: boolean;
  /** Admins cannot turn it off. */
  required: boolean;
  recoveryCodesLeft: number;
  /** While enrolling: what to scan or type into the app. */
  pending: { qrSvgDataUrl: string; key: string; uri: string } | null;
};

export async function getTwoFactorStatus(actor: Actor): Promise<TwoFactorStatus> {
  const user = await db.user.findUniqueOrThrow({
    where: { id: actor.id },
    select: { email: true, totpEnabledAt: true, totpPendingSecret: true },
  });
  const enabled = user.totpEnabledAt !== null;
  const recoveryCodesLeft = enabled ? await db.recoveryCode.count({ where: { userId: actor.id, usedAt: null } }) : 0;
  let pending: TwoFactorStatus["pending"] = null;
  const secret = !enabled && user.totpPendingSecret ? openTotpSecret(user.totpPendingSecret, env.AUTH_SECRET) : null;
  if (secret) {
    const uri = totpUri(secret, user.email, (await getBrand()).name);
    // Rendered here as SVG (no network, no canvas): the page shows it as an <img>.
    const svg = await QRCode.toString(uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
    pending = {
      qrSvgDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`,
      key: groupedKey(secret),
      uri,
    };
  }
  return { enabled, required: actor.role === "admin", recoveryCodesLeft, pending };
}

/** Starts (or restarts) enrolment: a new secret, kept sealed until a code confirms it. */
export async function startTwoFactorEnrolment(actor: Actor) {
  const { count } = await db.user.updateMany({
    where: { id: actor.id, totpEnabledAt: null },
    data: { totpPendingSecret: sealTotpSecret(newTotpSecret(), env.AUTH_SECRET) },
  });
  if (!count) throw new AppError("conflict", "Two-step sign-in is already on.");
  logger.info({ userId: actor.id }, "two-factor enrolment started");
}

/**
 * A code from the app confirms the pending secret: two-step sign-in is on, and ten recovery codes are
 * returned, to be shown once (only their hashes are kept). 5 tries an hour per account.
 */
export async function confirmTwoFactor(actor: Actor, currentSessionId: string, raw: unknown) {
  const input = confirmTwoFactorInput.parse(raw);
  await takeBudget("twoFactorCode", actor.id);
  const user = await db.user.findUniqueOrThrow({
    where: { id: actor.id },
    select: { totpEnabledAt: true, totpPendingSecret: true },
  });
  if (user.totpEnabledAt) throw new AppError("conflict", "Two-step sign-in is already on.");
  const secret = user.totpPendingSecret ? openTotpSecret(user.totpPendingSecret, env.AUTH_SECRET) : null;
  if (!secret) throw new AppError("conflict", "Start again: press “Set up two-step sign-in” to get a new key.");
  const step = matchTotpStep(secret, input.code);
  if (step === null)
    throw fieldError("code", "That code does not match. Check the app shows Booth's entry and try the newest code.");
  const codes = newRecoveryCodes();
  await db.$transaction(async (tx) => {
    // Conditional: two confirmations at once turn it on once.
    const { count } = await tx.user.updateMany({
      where: { id: actor.id, totpEnabledAt: null, totpPendingSecret: user.totpPendingSecret },
      data: {
        totpSecret: user.totpPendingSecret,
        totpPendingSecret: null,
        totpEnabledAt: new Date(),
        // The confirming code is spent: it cannot open a session afterwards.
        totpLastStep: step,
      },
    });
    if (!count) throw new AppError("conflict", "Two-step sign-in is already on.");
    // Sessions opened before, with the password alone (another device, a stolen cookie), would count as
    // two-step once the account has it: they end; this one, which just proved the code, stays.
    await tx.authSession.updateMany({
      where: { userId: actor.id, revokedAt: null, id: { not: currentSessionId } },
      data: { revokedAt: new Date() },
    });
    await tx.recoveryCode.deleteMany({ where: { userId: actor.id } });
    await tx.recoveryCode.createMany({
      data: codes.map((c) => ({ userId: actor.id, codeHash: hashRecoveryCode(actor.id, c) })),
    });
  });
  logger.info({ userId: actor.id }, "two-factor turned on");
  return codes;
}

/** Turns two-step sign-in off, given the password and a code (or a recovery code). Admins cannot. */
export async function disableTwoFactor(actor: Actor, raw: unknown) {
  const input = disableTwoFactorInput.parse(raw);
  if (actor.role === "admin")
    throw new AppError("forbidden", "Admins must keep two-step sign-in on. Set it up again on a new phone instead.");
  await takeBudget("twoFactorCode", actor.id);
  const user = await db.user.findUniqueOrThrow({
    where: { id: actor.id },
    select: { passwordHash: true, totpSecret: true, totpEnabledAt: true },
  });
  if (!user.totpEnabledAt || !user.totpSecret) throw new AppError("conflict", "Two-step sign-in is already off.");
  if (!(await verifyPassword(user.passwordHash, input.password)))
    throw fieldError("password", "That is not your current password.");
  if (!(await checkSecondFactor(actor.id, user.totpSecret, input.code)))
    throw fieldError("code", "That code does not match. Use the newest code from the app, or a recovery code.");
  await db.$transaction([
    db.user.update({
      where: { id: actor.id },
      data: { totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null },
      select: { id: true },
    }),
    db.recoveryCode.deleteMany({ where: { userId: actor.id } }),
  ]);
  logger.info({ userId: actor.id }, "two-factor turned off");
  return "Two-step sign-in is off.";
}

/**
 * True when `code` is the account's current TOTP code or one of its unused recovery codes (which is spent
 * by a conditional update: two sign-ins with the same recovery code at once, one wins).
 */
export async function checkSecondFactor(userId: string, sealedSecret: string, code: string) {
  if (isRecoveryCodeShape(code)) {
    const { count } = await db.recoveryCode.updateMany({
      where: { userId, codeHash: hashRecoveryCode(userId, code), usedAt: null },
      data: { usedAt: new Date() },
    });
    if (count) logger.info({ userId }, "signed in with a recovery code");
    return count === 1;
  }
  const secret = openTotpSecret(sealedSecret, env.AUTH_SECRET);
  if (!secret) {
    logger.error(
      { userId },
      "a TOTP secret cannot be opened (AUTH_SECRET changed?): the account needs a recovery code",
    );
    return false;
  }
  const step = matchTotpStep(secret, code);
  if (step === null) return false;
  // Each code is good once: the step is recorded by a conditional update, so the same code (a replay, or
  // two sign-ins racing with it) or an older one is refused even within its 30-second window.
  const { count } = await db.user.updateMany({
    where: { id: userId, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
    data: { totpLastStep: step },
  });
  if (!count) logger.warn({ userId }, "a TOTP code was refused because it (or a newer one) was already used");
  return count === 1;
}

// The sign-in form's second step carries this instead of the password: the account, its token version
// (a password reset or suspension voids it) and an expiry, signed with a key derived from AUTH_SECRET.
const PENDING_LIFETIME_MS = 10 * 60_000;

function pendingMac(body: string) {
  return createHmac("sha256", `${env.AUTH_SECRET}:signin-second-step`).update(body).digest("base64url");
}

/** Issued only after the password was checked (the sign-in answered "code required"). */
export async function issuePendingSignIn(email: string, brandId: string, now = Date.now()) {
  const user = await db.user.findUnique({
    where: { brandId_email: { brandId, email } },
    select: { id: true, tokenVersion: true },
  });
  if (!user) return null;
  const body = Buffer.from(JSON.stringify({ u: user.id, v: user.tokenVersion, e: now + PENDING_LIFETIME_MS })).toString(
    "base64url",
  );
  return `${body}.${pendingMac(body)}`;
}

/** The user id a pending sign-in names, or null when it is forged, expired or voided. */
export async function readPendingSignIn(token: string, now = Date.now()) {
  const [body, mac] = token.split(".");
  if (!body || !mac) return null;
  const expected = Buffer.from(pendingMac(body));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as { u: string; v: number; e: number };
    if (typeof claims.e !== "number" || claims.e < now) return null;
    const user = await db.user.findUnique({
      where: { id: String(claims.u) },
      select: { id: true, tokenVersion: true },
    });
    return user && user.tokenVersion === claims.v ? user.id : null;
  } catch {
    return null;
  }
}
