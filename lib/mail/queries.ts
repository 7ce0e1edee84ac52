import "server-only";
import { db } from "@/lib/db";

/** The outbox of `brandId` (the request's: each brand's host shows its own mail), newest first (/dev/outbox). */
export function listOutbox(brandId: string, limit = 100) {
  return db.emailMessage.findMany({
    where: { brandId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: {
      id: true,
      toAddress: true,
      subject: true,
      status: true,
      createdAt: true,
      sentAt: true,
      icsFilename: true,
      traceId: true,
    },
  });
}

/** One message of `brandId` with its body, calendar file and rendered copy; null when there is none. */
export function getOutboxMessage(id: string, brandId: string) {
  return db.emailMessage.findFirst({ where: { id, brandId } });
}
