import "server-only";
import { z } from "zod";
import { type Actor, assertRole, inActorsBrand } from "@/lib/auth/permissions";
import { db } from "@/lib/db";

/** Whether an egress of the room runs now (starting or active). */
export async function isRecordingNow(roomSessionId: string) {
  return (await db.recording.count({ where: { roomSessionId, status: { in: ["starting", "active"] } } })) > 0;
}

export const recordingFilters = z.object({
  creator: z.string().trim().max(100).optional().catch(undefined),
  from: z.iso.date().optional().catch(undefined),
  to: z.iso.date().optional().catch(undefined),
  status: z.enum(["starting", "active", "ending", "complete", "failed", "aborted"]).optional().catch(undefined),
  reported: z.enum(["1"]).optional().catch(undefined),
});
export type RecordingFilters = z.infer<typeof recordingFilters>;

/**
 * Admin: recordings of private sessions, newest first, filtered by the creator (name or email, in part), the
 * day it was made (UTC), its status, and whether its session was reported. A reported one links each report
 * to the second of the recording the report was filed at (its offset in the room, less the recording's start).
 * A brand's admin lists their brand's sessions' recordings only.
 */
export async function listRecordings(actor: Actor, raw: unknown) {
  assertRole(actor, ["admin"]);
  const f = recordingFilters.parse(raw ?? {});
  const creator = {
    user: inActorsBrand(actor),
    ...(f.creator
      ? {
          OR: [
            { displayName: { contains: f.creator, mode: "insensitive" as const } },
            { user: { email: { contains: f.creator, mode: "insensitive" as const } } },
          ],
        }
      : {}),
  };
  const rows = await db.recording.findMany({
    where: {
      status: f.status,
      createdAt: {
        gte: f.from ? new Date(`${f.from}T00:00:00Z`) : undefined,
        lt: f.to ? new Date(new Date(`${f.to}T00:00:00Z`).getTime() + 86_400_000) : undefined,
      },
      roomSession: {
        booking: { is: { creator } },
        ...(f.reported ? { reports: { some: {} } } : {}),
      },
    },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: {
      id: true,
      egressId: true,
      status: true,
      source: true,
      identity: true,
      durationMs: true,
      sizeBytes: true,
      startedAt: true,
      createdAt: true,
      storageKey: true,
      deletedAt: true,
      retainUntil: true,
      roomSession: {
        select: {
          startedAt: true,
          booking: {
            select: {
              id: true,
              offering: { select: { title: true } },
              viewer: { select: { id: true, name: true } },
              creator: { select: { userId: true, displayName: true } },
            },
          },
          reports: { select: { id: true, status: true, offsetSeconds: true, reason: true } },
        },
      },
    },
  });
  return rows.map((r) => {
    const b = r.roomSession.booking!;
    const lag =
      r.startedAt && r.roomSession.startedAt ? (r.startedAt.getTime() - r.roomSession.startedAt.getTime()) / 1000 : 0;
    return {
      ...r,
      title: b.offering.title,
      bookingId: b.id,
      creatorName: b.creator.displayName,
      whose: r.identity === b.viewer.id ? b.viewer.name : r.identity === b.creator.userId ? b.creator.displayName : "—",
      reports: r.roomSession.reports.map((rep) => ({
        ...rep,
        at: rep.offsetSeconds === null ? null : Math.max(0, Math.floor(rep.offsetSeconds - lag)),
      })),
    };
  });
}

/**
 * Creator: the recordings of their own private sessions, newest first (the last 200), with the session
 * each belongs to and whose track it is. Files deleted by retention are listed as such.
 */
export async function listCreatorRecordings(actor: Actor) {
  assertRole(actor, ["creator"]);
  const rows = await db.recording.findMany({
    where: { roomSession: { booking: { creator: { userId: actor.id } } } },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: {
      id: true,
      status: true,
      source: true,
      identity: true,
      durationMs: true,
      createdAt: true,
      storageKey: true,
      deletedAt: true,
      retainUntil: true,
      roomSession: {
        select: {
          booking: {
            select: {
              id: true,
              startsAt: true,
              offering: { select: { title: true } },
              viewer: { select: { id: true, name: true } },
            },
          },
        },
      },
    },
  });
  return rows.map((r) => {
    const b = r.roomSession.booking!;
    return {
      id: r.id,
      status: r.status,
      source: r.source,
      durationMs: r.durationMs === null ? null : Number(r.durationMs),
      retainUntil: r.retainUntil,
      playable: Boolean(r.storageKey) && !r.deletedAt,
      deleted: r.deletedAt !== null,
      bookingId: b.id,
      startsAt: b.startsAt,
      title: b.offering.title,
      viewerName: b.viewer.name,
      whose: r.identity === b.viewer.id ? b.viewer.name : "you",
    };
  });
}
