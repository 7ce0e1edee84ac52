import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomInt } from "node:crypto";
import { Secret, TOTP } from "otpauth";

/**
 * The TOTP second factor's pieces (RFC 6238 through `otpauth`: SHA-1, 6 digits, 30 s, the defaults every
 * authenticator app reads), the sealing of secrets at rest and the recovery codes. No database, no env:
 * the caller passes AUTH_SECRET, so the seed and tests can use it too.
 */

export const TOTP_ISSUER_FALLBACK = "Booth";
/** Codes one step either side of now are accepted (clock drift between phone and server). */
const WINDOW = 1;
const TOTP_PERIOD_SECONDS = 30;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpFor(secretBase32: string, label = "", issuer = TOTP_ISSUER_FALLBACK) {
  return new TOTP({ issuer, label, secret: Secret.fromBase32(secretBase32) });
}

/** The otpauth:// URI an authenticator app scans (as a QR code) to add the account. */
export function totpUri(secretBase32: string, label: string, issuer: string) {
  return totpFor(secretBase32, label, issuer).toString();
}

/** The current code (for the demo's helper script and tests). */
export function totpCode(secretBase32: string, timestamp = Date.now()) {
  return totpFor(secretBase32).generate({ timestamp });
}

/** The 30-second step `timestamp` falls in (the counter RFC 6238 hashes). */
export function totpStep(timestamp = Date.now()) {
  return Math.floor(timestamp / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * The step whose code `code` (spaces ignored) is, when it is the secret's code within one step of
 * `timestamp`; null otherwise. The caller accepts each step once (see `checkSecondFactor`).
 */
export function matchTotpStep(secretBase32: string, code: string, timestamp = Date.now()): number | null {
  const token = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpFor(secretBase32).validate({ token, timestamp, window: WINDOW });
  return delta === null ? null : totpStep(timestamp) + delta;
}

/** True when `code` is the secret's code within one step of `timestamp` (enrolment, where no step was used yet). */
export function checkTotpCode(secretBase32: string, code: string, timestamp = Date.now()) {
  return matchTotpStep(secretBase32, code, timestamp) !== null;
}

/** The manual key, grouped by four for people typing it into an app. */
export function groupedKey(secretBase32: string) {
  return secretBase32.replace(/(.{4})(?=.)/g, "$1 ");
}

// Sealing: AES-256-GCM with a key derived from AUTH_SECRET (HKDF, its own label), so a database dump alone
// does not give away anyone's second factor. Format: v1.<iv>.<tag>.<ciphertext>, base64url.
function sealingKey(authSecret: string) {
  return Buffer.from(hkdfSync("sha256", authSecret, "booth-totp", "totp-secret-v1", 32));
}

export function sealTotpSecret(secretBase32: string, authSecret: string) {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealingKey(authSecret), iv);
  const body = Buffer.concat([cipher.update(secretBase32, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

/** The secret, or null when the value was sealed with another AUTH_SECRET or is damaged. */
export function openTotpSecret(sealed: string, authSecret: string): string | null {
  const [v, iv, tag, body] = sealed.split(".");
  if (v !== "v1" || !iv || !tag || !body) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", sealingKey(authSecret), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

// Recovery codes: 10 of them, 10 characters from an alphabet without look-alikes (about 50 bits each),
// shown as xxxxx-xxxxx. Only a SHA-256 of the user id and the normalised code is kept.
const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
export const RECOVERY_CODE_COUNT = 10;

export function newRecoveryCodes(count = RECOVERY_CODE_COUNT) {
  return Array.from({ length: count }, () => {
    let s = "";
    for (let i = 0; i < 10; i++) s += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
    return `${s.slice(0, 5)}-${s.slice(5)}`;
  });
}

/** Looks like a recovery code (rather than a 6-digit TOTP code). */
export function isRecoveryCodeShape(code: string) {
  return /^[a-z0-9]{5}-?[a-z0-9]{5}$/i.test(code.trim());
}

export function hashRecoveryCode(userId: string, code: string) {
  const normalised = code.trim().toLowerCase().replace(/-/g, "");
  return createHash("sha256").update(`${userId}:${normalised}`, "utf8").digest("hex");
}
