import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

export const VERIFY_FIRST =
  "Your identity and age check must be approved first: upload your ID and a selfie under Studio → Verification.";

/**
 * Publishing a profile or an offering, scheduling a show and going live need an approved identity and age
 * check (`users.creatorVerifiedAt`): a 403 with `details.reason: "creator_unverified"` otherwise.
 */
export async function assertCreatorVerified(userId: string) {
  const row = await db.user.findUnique({ where: { id: userId }, select: { creatorVerifiedAt: true } });
  if (!row?.creatorVerifiedAt)
    throw new AppError("forbidden", VERIFY_FIRST).withDetails({ reason: "creator_unverified" });
}
