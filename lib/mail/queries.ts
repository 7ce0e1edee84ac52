import "server-only";
import { db } from "@/lib/db";

/** The outbox, newest first (the list at /dev/outbox). */
export function listOutbox(limit = 100) {
  return db.emailMessage.findMany({
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

/** One message with its body, calendar file and rendered copy; null when there is none. */
export function getOutboxMessage(id: string) {
  return db.emailMessage.findUnique({ where: { id } });
}
