import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

/** The words a banned viewer reads when they try to buy from that creator again. */
export const BANNED =
  "You can't book or buy tickets from this creator. Contact support if you think this is a mistake.";

/** Refuses (403) a viewer banned from this creator's shows and bookings. */
export async function assertNotBanned(creatorId: string, userId: string) {
  const ban = await db.creatorBan.findUnique({
    where: { creatorId_userId: { creatorId, userId } },
    select: { id: true },
  });
  if (ban) throw new AppError("forbidden", BANNED).withDetails({ reason: "banned" });
}
