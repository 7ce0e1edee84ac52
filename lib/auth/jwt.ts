import { hkdfSync } from "node:crypto";
import { jwtDecrypt, type JWTPayload } from "jose";

/**
 * Reads next-auth's session cookie: the JWE next-auth's `encode` writes (alg "dir", enc A256CBC-HS512, a key
 * derived from the secret with HKDF-SHA256 and the cookie name as salt), checked for integrity and expiry
 * (15 s tolerance) exactly as next-auth's `decode` does. It derives each key once per process instead of on
 * every request (next-auth's decode derives it and its thumbprint each time: half the cost of a request's
 * session check), and decrypts a given cookie once while it is valid. Throws on a token that is not ours,
 * altered or expired.
 */
export async function decodeSessionJwt(token: string, secret: string, salt: string): Promise<JWTPayload> {
  // The same cookie comes back on every request of a visit: its claims are kept (by secret, salt and the
  // exact token) until the token expires, and the expiry is checked again on each use. Whether the session
  // still counts is not cached: resolveSession reads its row on every request.
  const id = `${salt}\u0000${secret}\u0000${token}`;
  const known = decoded.get(id);
  if (known) {
    if (known.expiresAtMs > Date.now()) return known.payload;
    decoded.delete(id);
    throw new Error("the session token has expired");
  }
  const { payload } = await jwtDecrypt(token, derivedKey(secret, salt), {
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    keyManagementAlgorithms: ["dir"],
    contentEncryptionAlgorithms: ["A256CBC-HS512"],
  });
  if (typeof payload.exp === "number") {
    if (decoded.size >= MAX_DECODED) decoded.clear();
    decoded.set(id, { payload, expiresAtMs: (payload.exp + CLOCK_TOLERANCE_SECONDS) * 1000 });
  }
  return payload;
}

const CLOCK_TOLERANCE_SECONDS = 15;
const MAX_DECODED = 5000;
const decoded = new Map<string, { payload: JWTPayload; expiresAtMs: number }>();

const keys = new Map<string, Uint8Array>();

function derivedKey(secret: string, salt: string) {
  const id = `${salt}\u0000${secret}`;
  let key = keys.get(id);
  if (!key) {
    key = new Uint8Array(hkdfSync("sha256", secret, salt, `Auth.js Generated Encryption Key (${salt})`, 64));
    if (keys.size > 16) keys.clear();
    keys.set(id, key);
  }
  return key;
}
