import "server-only";
import { db } from "@/lib/db";

export function listOutbox(limit = 100) {
  return db.emailMessage.findMany({
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, toAddress: true, subject: true, status: true, createdAt: true, sentAt: true, icsFilename: true, traceId: true },
  });
}

export function getOutboxMessage(id: string) {
  return db.emailMessage.findUnique({ where: { id } });
}
