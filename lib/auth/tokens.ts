import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { AccountTokenPurpose } from "@/lib/generated/prisma/enums";

type Tx = Prisma.TransactionClient;

/** How long each kind of mailed link works. */
export const TOKEN_LIFETIME_MS: Record<AccountTokenPurpose, number> = {
  password_reset: 60 * 60 * 1000,
  email_verification: 7 * 24 * 60 * 60 * 1000,
  email_change: 7 * 24 * 60 * 60 * 1000,
};

/** Only this hash is stored; the token itself lives only in the email. */
export function hashToken(token: string) {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * A new single-use token for `userId`, written in the caller's transaction. Earlier unused tokens of the
 * same purpose stop working: only the newest link in the user's inbox does anything.
 */
export async function issueAccountToken(
  tx: Tx,
  user: { id: string; email: string },
  purpose: AccountTokenPurpose,
  now = new Date(),
) {
  await tx.accountToken.updateMany({ where: { userId: user.id, purpose, usedAt: null }, data: { usedAt: now } });
  const token = randomBytes(32).toString("base64url");
  const row = await tx.accountToken.create({
    data: {
      userId: user.id,
      purpose,
      email: user.email,
      tokenHash: hashToken(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]),
    },
    select: { id: true },
  });
  return { token, id: row.id };
}

/**
 * Uses a token once: a conditional update marks it used only if it is unused and unexpired, so two
 * clicks at once (or a replay) find it spent. Returns the token's user and address, or null.
 */
export async function consumeAccountToken(tx: Tx, token: string, purpose: AccountTokenPurpose, now = new Date()) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const tokenHash = hashToken(token);
  const { count } = await tx.accountToken.updateMany({
    where: { tokenHash, purpose, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (count !== 1) return null;
  return tx.accountToken.findUniqueOrThrow({ where: { tokenHash }, select: { id: true, userId: true, email: true } });
}
