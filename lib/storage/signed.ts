/**
 * Short-lived signed links to stored files (recording downloads, verification documents): an HMAC over
 * what the link grants, who it was made for and when it expires. A link is checked with the same secret;
 * an altered or expired one is refused. Pure: the secret is passed in (AUTH_SECRET in the app).
 */
import crypto from "node:crypto";

export type SignedGrant = {
  /** What the link opens, e.g. "recording:cmabc123" (a record, not a storage key). */
  resource: string;
  /** The user the link was made for; the route still checks that user's right to the resource. */
  userId: string;
  /** Unix seconds. */
  expires: number;
};

function mac(secret: string, g: SignedGrant) {
  return crypto
    .createHmac("sha256", `booth-storage-link:${secret}`)
    .update(`${g.resource}\n${g.userId}\n${g.expires}`)
    .digest("base64url");
}

export function signGrant(secret: string, g: SignedGrant): string {
  return mac(secret, g);
}

export type GrantCheck = { ok: true } | { ok: false; reason: "expired" | "invalid" };

export function verifyGrant(secret: string, g: SignedGrant, signature: string, nowSeconds: number): GrantCheck {
  const expected = Buffer.from(mac(secret, g));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given))
    return { ok: false, reason: "invalid" };
  if (!Number.isFinite(g.expires) || g.expires < nowSeconds) return { ok: false, reason: "expired" };
  return { ok: true };
}
