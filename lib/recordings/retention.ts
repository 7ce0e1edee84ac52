import "server-only";
import { db } from "@/lib/db";
import { logger } from "@/lib/logger";
import { storage } from "@/lib/storage";

const log = logger.child({ module: "recordings" });

/**
 * Deletes the files of recordings whose retention ended (retainUntil: the offering's period, else the
 * brand's RECORDING_RETENTION_DAYS, from the end of the recording) and marks their rows (deletedAt; the row
 * stays for the story). A recording of a session with an open report or a disputed payment is kept until
 * that is resolved: the next sweep after it takes it. Returns the ids deleted.
 */
export async function sweepExpiredRecordings(now = new Date()) {
  const due = await db.recording.findMany({
    where: {
      retainUntil: { lte: now },
      deletedAt: null,
      storageKey: { not: null },
      roomSession: {
        reports: { none: { status: "open" } },
        OR: [{ bookingId: null }, { booking: { payments: { none: { status: "disputed" } } } }],
      },
    },
    select: { id: true, storageKey: true, egressId: true },
    take: 200,
  });
  const deleted: string[] = [];
  for (const r of due) {
    try {
      await storage().delete(r.storageKey!);
      // Conditional: a second sweeper (another app process) that got here first changes nothing.
      const { count } = await db.recording.updateMany({
        where: { id: r.id, deletedAt: null },
        data: { deletedAt: now },
      });
      if (count) deleted.push(r.id);
    } catch (err) {
      log.error({ err, recordingId: r.id }, "recording could not be deleted; the next sweep tries again");
    }
  }
  if (deleted.length) log.info({ count: deleted.length }, "expired recordings deleted");
  return deleted;
}
