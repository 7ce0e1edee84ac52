import "server-only";
import { db } from "@/lib/db";
import { logger } from "@/lib/logger";
import { judgeRecordings, mediaFromTrace, roomVerdict, type TrackVerdict, type Verdict } from "./rules/completeness";
import { roomRecordingPolicy } from "./service";

const log = logger.child({ module: "recordings" });

/** The trace events completeness reads (presence and tracks), as the rules take them. */
const MEDIA_TYPES = [
  "participant.joined",
  "participant.left",
  "participant.connection_aborted",
  "track.published",
  "track.unpublished",
];

/**
 * One room's recording completeness: each track that should have been recorded against the time its media
 * flowed (from the trace), and the room's verdict (the worst). Null when nothing was to be recorded.
 */
export async function judgeRoomRecordings(
  roomSessionId: string,
): Promise<{ verdict: Verdict | null; tracks: TrackVerdict[] }> {
  const rs = await db.roomSession.findUnique({
    where: { id: roomSessionId },
    select: { traceId: true, endedAt: true, closedAt: true, recordings: true },
  });
  if (!rs) return { verdict: null, tracks: [] };
  const { policy } = await roomRecordingPolicy(db, roomSessionId);
  if (policy === "never" && rs.recordings.length === 0) return { verdict: null, tracks: [] };
  const events = await db.traceEvent.findMany({
    where: { traceId: rs.traceId, type: { in: MEDIA_TYPES } },
    orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    select: { type: true, occurredAt: true, payload: true },
  });
  const end = (rs.endedAt ?? rs.closedAt ?? new Date()).getTime();
  const { tracks, creatorPresent } = mediaFromTrace(
    events.map((e) => ({ type: e.type, at: e.occurredAt.getTime(), payload: e.payload as Record<string, unknown> })),
    end,
  );
  const verdicts = judgeRecordings({
    tracks,
    creatorPresent,
    recordings: rs.recordings.map((r) => ({
      egressId: r.egressId,
      trackSid: r.trackSid,
      status: r.status,
      durationMs: r.durationMs === null ? null : Number(r.durationMs),
    })),
    expectAll: policy === "always",
  });
  return { verdict: roomVerdict(verdicts), tracks: verdicts };
}

/**
 * Completeness over the rooms that ended in [from, to): the share of tracks whose recording is complete,
 * with each failed, partial or missing one (the alert rows on the admin page; each logged as a warning).
 * `brandId`: the rooms of that brand's sessions only (null: every brand's; callers scope it by the actor).
 */
export async function recordingCompleteness(from: Date, to: Date, brandId: string | null = null) {
  const rooms = await db.roomSession.findMany({
    where: {
      bookingId: { not: null },
      ...(brandId === null ? {} : { booking: { creator: { user: { brandId } } } }),
      endedAt: { gte: from, lt: to },
      OR: [{ recordings: { some: {} } }, { booking: { offering: { recordingPolicy: "always" } } }],
    },
    select: { id: true, bookingId: true, roomName: true },
    orderBy: { endedAt: "desc" },
    take: 500,
  });
  let tracks = 0;
  let complete = 0;
  const alerts: { roomSessionId: string; bookingId: string; verdict: Verdict; missingShare: number; track: string }[] =
    [];
  for (const r of rooms) {
    const judged = await judgeRoomRecordings(r.id);
    for (const t of judged.tracks) {
      tracks++;
      if (t.verdict === "complete") complete++;
      else
        alerts.push({
          roomSessionId: r.id,
          bookingId: r.bookingId!,
          verdict: t.verdict,
          missingShare: t.missingShare,
          track: `${t.source} of ${t.identity}`,
        });
    }
  }
  for (const a of alerts) log.warn(a, `recording ${a.verdict}`);
  return { rooms: rooms.length, tracks, complete, share: tracks ? complete / tracks : null, alerts };
}
