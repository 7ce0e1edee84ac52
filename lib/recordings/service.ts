import "server-only";
import fs from "node:fs";
import path from "node:path";
import { TrackSource, TrackType } from "livekit-server-sdk";
import { z } from "zod";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logger";
import { defineEffect, type EffectHandlers, enqueueEffect, handle, nudgeEffects } from "@/lib/ops/outbox";
import { roomService } from "@/lib/sessions/livekit";
import { broadcast } from "@/lib/sessions/room-effects";
import { storage } from "@/lib/storage";
import { contentTypeFor, storageKey } from "@/lib/storage/keys";
import { appendTrace } from "@/lib/trace/service";
import { egressClient, startTrackRecording, stopRecording } from "./egress";
import { type RecordingPolicyName, retainUntil, shouldRecord } from "./rules/policy";

const log = logger.child({ module: "recordings" });
type Tx = Prisma.TransactionClient;

/**
 * Recording with LiveKit Egress: each published track of a recorded room is one Track egress (no
 * transcoding), started through the outbox once the creator is in the room, ended by Egress when the track
 * is unpublished or the room closes. Egress's webhooks (egress_started, egress_ended) update the rows and
 * the trace; a finished file is moved from Egress's spool folder into storage (lib/storage).
 */

/**
 * The policy of the offering a private session's room belongs to, with its retention. Group shows are not
 * recorded yet (their room has no recording indicator): their policy reads as "never".
 */
export async function roomRecordingPolicy(tx: Tx | typeof db, roomSessionId: string) {
  const rs = await tx.roomSession.findUnique({
    where: { id: roomSessionId },
    select: {
      booking: { select: { offering: { select: { recordingPolicy: true, recordingRetentionDays: true } } } },
    },
  });
  const offering = rs?.booking?.offering ?? null;
  return {
    policy: (offering?.recordingPolicy ?? "never") as RecordingPolicyName,
    retentionDays: offering?.recordingRetentionDays ?? null,
  };
}

export const syncRecording = defineEffect(
  "recordings.sync",
  z.object({ roomSessionId: z.string(), roomName: z.string(), traceId: z.string() }),
);
export const storeRecording = defineEffect(
  "recordings.store",
  z.object({ recordingId: z.string(), location: z.string() }),
);

/**
 * Called by the LiveKit webhook in its transaction when someone joined or published: if the room's policy
 * records, an effect (once per webhook event) checks the room and starts an egress for each track not
 * being recorded yet. A no-op when recording is off (RECORDING_ENABLED=0) or the policy is "never".
 */
export async function requestRecordingSync(
  tx: Tx,
  room: { roomSessionId: string; roomName: string; traceId: string },
  cause: string,
) {
  if (env.RECORDING_ENABLED !== "1") return false;
  const { policy } = await roomRecordingPolicy(tx, room.roomSessionId);
  if (policy === "never") return false;
  await enqueueEffect(tx, syncRecording, room, {
    key: `recordings.sync:${room.roomSessionId}:${cause}`,
    traceId: room.traceId,
  });
  return true;
}

/** A track egress that counts as running (or about to): its track needs no other. */
const LIVE = ["starting", "active"] as const;
/** After this many failed egresses of one track, no other is started for it: the first, and one retry. */
const MAX_FAILURES_PER_TRACK = 2;

type ParticipantMeta = { role?: string };
const metaRole = (raw: string) => {
  try {
    return (JSON.parse(raw) as ParticipantMeta).role ?? null;
  } catch {
    return null;
  }
};

/**
 * Starts an egress for each published track of the room that has none running, when the policy says the
 * room records and the creator is present. Serialised per room (an advisory lock held across the calls), so
 * two syncs at once start one egress per track.
 */
async function runSync(p: z.infer<typeof syncRecording.payload>) {
  const { policy } = await roomRecordingPolicy(db, p.roomSessionId);
  const rs = await db.roomSession.findUnique({
    where: { id: p.roomSessionId },
    select: { closedAt: true, status: true, recordingRequestedAt: true },
  });
  if (!rs || rs.closedAt) return "room closed";
  let participants: Awaited<ReturnType<ReturnType<typeof roomService>["listParticipants"]>>;
  try {
    participants = await roomService().listParticipants(p.roomName);
  } catch (err) {
    if (/not.?found|does not exist|404/i.test(String(err))) return "room gone";
    throw err;
  }
  const creatorPresent = participants.some((x) => metaRole(x.metadata) === "creator");
  if (!shouldRecord({ policy, requested: rs.recordingRequestedAt !== null, creatorPresent }))
    return "not recording now";
  const tracks = participants.flatMap((x) =>
    x.tracks.map((t) => ({
      sid: t.sid,
      identity: x.identity,
      source: (TrackSource[t.source] ?? "unknown").toLowerCase(),
      kind: t.type === TrackType.VIDEO ? "video" : t.type === TrackType.AUDIO ? "audio" : "data",
    })),
  );
  const started: string[] = [];
  await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`recording:${p.roomSessionId}`}))`;
      for (const t of tracks) {
        if (t.kind === "data") continue;
        const rows = await tx.recording.findMany({
          where: { roomSessionId: p.roomSessionId, trackSid: t.sid },
          orderBy: { createdAt: "desc" },
          select: { id: true, egressId: true, status: true, endedAt: true },
        });
        if (rows.some((r) => (LIVE as readonly string[]).includes(r.status))) continue;
        const failed = (r: { status: string }) => r.status === "failed" || r.status === "aborted";
        if (rows.filter(failed).length >= MAX_FAILURES_PER_TRACK) continue;
        const filepath = path.join(spoolDir(), safeSegment(p.roomSessionId), `${safeSegment(t.sid)}-${Date.now()}`);
        const { egressId } = await startTrackRecording(p.roomName, t.sid, filepath);
        // The newest egress of this track failed: this one is its retry (a stopped one, restarted on request, is not).
        const previous = rows[0] && failed(rows[0]) ? rows[0] : undefined;
        const row = await tx.recording.upsert({
          where: { egressId },
          create: {
            egressId,
            roomSessionId: p.roomSessionId,
            traceId: p.traceId,
            trackSid: t.sid,
            identity: t.identity,
            source: t.source,
            kind: t.kind,
            retryOfId: previous?.id ?? null,
            // Where the file will be (Egress adds the extension), until its end reports where it is.
            location: filepath,
          },
          update: { trackSid: t.sid, identity: t.identity, source: t.source, kind: t.kind },
        });
        if (previous) {
          const gapMs = previous.endedAt ? Math.max(0, Date.now() - previous.endedAt.getTime()) : 0;
          await appendTrace(
            {
              traceId: p.traceId,
              type: "recording.retried",
              source: "app",
              occurredAt: new Date(),
              payload: { egressId, retryOf: previous.egressId, trackSid: t.sid, gapMs },
            },
            tx,
          );
          log.warn({ egressId, retryOf: previous.egressId, gapMs }, "recording retried after its egress failed");
        }
        started.push(row.egressId);
      }
    },
    { timeout: 60_000 },
  );
  return started.length ? `started ${started.join(", ")}` : "nothing to start";
}

/** Egress's handlers write from "/", so their file paths are absolute: inside the spool folder, on this machine. */
function spoolDir() {
  if (!env.RECORDING_SPOOL_DIR) throw new Error("RECORDING_SPOOL_DIR is not set: Egress needs a folder to write to");
  return path.resolve(env.RECORDING_SPOOL_DIR);
}

const safeSegment = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, "_");

/** Moves a finished file from Egress's spool folder into storage, under a key Booth makes. */
async function runStore(p: z.infer<typeof storeRecording.payload>) {
  const row = await db.recording.findUnique({ where: { id: p.recordingId } });
  if (!row) return { key: null, reason: "no such recording" };
  if (row.storageKey) return { key: row.storageKey, reason: "already stored" };
  // SECURITY: the location comes from a signed webhook, yet only a file inside the spool folder is taken.
  const resolved = path.resolve(p.location);
  const root = spoolDir();
  if (!resolved.startsWith(`${root}${path.sep}`))
    throw new Error(`recording file outside the spool folder: ${resolved}`);
  if (!fs.existsSync(resolved)) throw new Error(`recording file not there (yet): ${resolved}`);
  const ext = (path.extname(resolved).slice(1) || "bin").toLowerCase().replace(/[^a-z0-9]/g, "");
  const day = (row.endedAt ?? new Date()).toISOString();
  const key = storageKey("recordings", day.slice(0, 4), day.slice(5, 7), `${row.egressId.toLowerCase()}.${ext}`);
  await storage().putFile(key, resolved);
  return { key, reason: "stored" };
}

/** What Egress's webhook says about one egress (livekit's EgressInfo as JSON: times in ns, sizes as strings). */
export type EgressInfoJson = {
  egressId?: string;
  roomName?: string;
  status?: string;
  startedAt?: string;
  endedAt?: string;
  error?: string;
  track?: { trackId?: string };
  file?: { filename?: string; duration?: string; size?: string; location?: string };
  fileResults?: {
    filename?: string;
    duration?: string;
    size?: string;
    location?: string;
    startedAt?: string;
    endedAt?: string;
  }[];
};

const fileResult = (info: EgressInfoJson) => info.fileResults?.[0];
const nsToDate = (ns?: string) => (ns && ns !== "0" ? new Date(Number(BigInt(ns) / 1_000_000n)) : null);
const nsToMs = (ns?: string) => (ns && ns !== "0" ? Number(BigInt(ns) / 1_000_000n) : null);

/**
 * Applies one egress_* webhook in the LiveKit webhook's transaction (already verified and deduplicated):
 * the row (created when the egress was started outside Booth's sync), the trace (recording.started once,
 * recording.finished or .failed once), and for a finished file the effect that moves it into storage.
 * A failed egress while the room is still open is retried once (a sync, which starts a second egress).
 */
export async function applyEgressEvent(
  tx: Tx,
  room: { roomSessionId: string; roomName: string; traceId: string },
  type: string,
  info: EgressInfoJson,
  webhookId: string,
) {
  const egressId = info.egressId ?? "";
  if (!egressId) return;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`recording:${room.roomSessionId}`}))`;
  const existing = await tx.recording.findUnique({ where: { egressId } });
  const row =
    existing ??
    (await tx.recording.create({
      data: {
        egressId,
        roomSessionId: room.roomSessionId,
        traceId: room.traceId,
        trackSid: info.track?.trackId ?? null,
      },
    }));
  const file = info.fileResults?.[0] ?? info.file;
  const startedAt = nsToDate(info.startedAt);
  const status = info.status ?? "";
  if (type === "egress_started" || (type === "egress_updated" && status === "EGRESS_ACTIVE")) {
    if (row.status !== "starting") return;
    await tx.recording.update({
      where: { id: row.id },
      data: { status: "active", startedAt: startedAt ?? new Date() },
    });
    await appendTrace(
      {
        traceId: room.traceId,
        type: "recording.started",
        source: "livekit",
        occurredAt: startedAt ?? new Date(),
        payload: { egressId, trackSid: row.trackSid, identity: row.identity, source: row.source, webhookId },
      },
      tx,
    );
    // Everyone in the room sees the indicator (and hears it announced).
    await enqueueEffect(
      tx,
      broadcast,
      { roomName: room.roomName, message: { type: "recording", on: true } },
      { key: `recordings.announce:${egressId}:on`, traceId: room.traceId },
    );
    return;
  }
  if (type !== "egress_ended") return;
  // Ended already (LiveKit can report one egress's end twice, under two event ids): once is enough.
  if (row.status === "ending" || row.status === "complete" || row.status === "failed" || row.status === "aborted")
    return;
  const endedAt = nsToDate(info.endedAt) ?? new Date();
  // Track egress (v1.12) reports a file's duration against an end time it had not set yet (a negative
  // number): the file's own start and end, else the egress's, are what it covered.
  const reported = nsToMs(file?.duration);
  const fileStart = nsToDate(fileResult(info)?.startedAt) ?? startedAt ?? row.startedAt;
  const fileEnd = nsToDate(fileResult(info)?.endedAt) ?? endedAt;
  const durationMs =
    reported !== null && reported > 0
      ? reported
      : fileStart
        ? Math.max(0, fileEnd.getTime() - fileStart.getTime())
        : null;
  const sizeBytes = file?.size ? Number(file.size) : null;
  const ok = status === "EGRESS_COMPLETE" && !!file?.location && (sizeBytes ?? 0) > 0;
  const { retentionDays } = await roomRecordingPolicy(tx, room.roomSessionId);
  // The last running egress of the room ended: the indicator goes off.
  const stillLive = await tx.recording.count({
    where: { roomSessionId: room.roomSessionId, status: { in: [...LIVE] }, id: { not: row.id } },
  });
  if (stillLive === 0)
    await enqueueEffect(
      tx,
      broadcast,
      { roomName: room.roomName, message: { type: "recording", on: false } },
      { key: `recordings.announce:${egressId}:off`, traceId: room.traceId },
    );
  await tx.recording.update({
    where: { id: row.id },
    data: {
      status: ok ? "ending" : status === "EGRESS_ABORTED" ? "aborted" : "failed",
      startedAt: row.startedAt ?? startedAt,
      endedAt,
      durationMs: durationMs === null ? null : BigInt(durationMs),
      sizeBytes: sizeBytes === null ? null : BigInt(sizeBytes),
      location: file?.location ?? null,
      contentType: file?.location ? contentTypeFor(file.location) : null,
      error: ok ? null : info.error || status || "ended without a file",
      retainUntil: retainUntil(endedAt, retentionDays, env.RECORDING_RETENTION_DAYS),
    },
  });
  if (ok) {
    await appendTrace(
      {
        traceId: room.traceId,
        type: "recording.finished",
        source: "livekit",
        occurredAt: endedAt,
        payload: { egressId, durationMs, sizeBytes, webhookId },
      },
      tx,
    );
    await enqueueEffect(
      tx,
      storeRecording,
      { recordingId: row.id, location: file!.location! },
      { key: `recordings.store:${row.id}`, traceId: room.traceId },
    );
    return;
  }
  const error = info.error || status || "ended without a file";
  await appendTrace(
    {
      traceId: room.traceId,
      type: "recording.failed",
      source: "livekit",
      occurredAt: endedAt,
      payload: { egressId, error, durationMs, sizeBytes, webhookId },
    },
    tx,
  );
  log.warn({ egressId, roomSessionId: room.roomSessionId, error }, "recording failed");
  // Mid-session (the room still open): try once more for the same track; the sync refuses a third egress.
  const rs = await tx.roomSession.findUnique({ where: { id: room.roomSessionId }, select: { closedAt: true } });
  if (!rs?.closedAt && env.RECORDING_ENABLED === "1")
    await enqueueEffect(tx, syncRecording, room, {
      key: `recordings.sync:${room.roomSessionId}:retry:${egressId}`,
      traceId: room.traceId,
    });
}

export const stopRecordings = defineEffect("recordings.stop", z.object({ roomSessionId: z.string() }));

/**
 * Stops every running egress of a room (the creator stopped recording); their webhooks finish the rows. A
 * creator who turned recording on again before this ran wants it on: nothing is stopped.
 */
async function runStop(p: z.infer<typeof stopRecordings.payload>) {
  const rs = await db.roomSession.findUnique({
    where: { id: p.roomSessionId },
    select: { recordingRequestedAt: true },
  });
  if (rs?.recordingRequestedAt) return "requested again before the stop ran: nothing stopped";
  const live = await db.recording.findMany({
    where: { roomSessionId: p.roomSessionId, status: { in: [...LIVE] } },
    select: { egressId: true },
  });
  for (const r of live) await stopRecording(r.egressId);
  return `stopped ${live.length}`;
}

/**
 * LiveKit's webhooks are best effort: an egress whose end never reached Booth would stay "active" for ever.
 * Recordings running (by Booth's rows) for longer than `staleMs` since their last change are asked about
 * (Egress's list by id); an egress that ended is applied as its egress_ended webhook would have been.
 */
export async function reconcileRecordings(staleMs = 60_000, now = new Date()) {
  const stale = await db.recording.findMany({
    where: { status: { in: [...LIVE] }, updatedAt: { lt: new Date(now.getTime() - staleMs) } },
    select: {
      egressId: true,
      roomSessionId: true,
      traceId: true,
      roomSession: { select: { roomName: true, traceId: true } },
    },
    take: 50,
  });
  let applied = 0;
  for (const r of stale) {
    const [info] = await egressClient().listEgress({ egressId: r.egressId });
    let json = (info?.toJson() ?? { egressId: r.egressId }) as EgressInfoJson;
    if (!["EGRESS_COMPLETE", "EGRESS_FAILED", "EGRESS_ABORTED", "EGRESS_LIMIT_REACHED"].includes(json.status ?? "")) {
      // Under load, Egress can finish a file and fail to tell livekit-server, which then reports it running for
      // ever. Once its track has been gone for staleMs, the file in the spool folder (or its absence) says.
      const found = await endedWithoutReport(r.egressId, staleMs, now);
      if (!found) continue;
      json = found;
    }
    await db.$transaction(
      (tx) =>
        applyEgressEvent(
          tx,
          {
            roomSessionId: r.roomSessionId,
            roomName: r.roomSession.roomName,
            traceId: r.traceId ?? r.roomSession.traceId,
          },
          "egress_ended",
          json,
          `reconciled:${r.egressId}`,
        ),
      { timeout: 30_000 },
    );
    applied++;
    log.warn(
      { egressId: r.egressId, status: json.status },
      "recording's end reconciled from Egress (its webhook never came)",
    );
  }
  // The file's move into storage was just written: run it now rather than after the outbox's grace.
  if (applied) nudgeEffects();
  return applied;
}

const toNs = (d: Date) => String(BigInt(d.getTime()) * 1_000_000n);

/** The end of an egress whose track is gone since `staleMs` ago, read from its file; null while it may still run. */
async function endedWithoutReport(egressId: string, staleMs: number, now: Date): Promise<EgressInfoJson | null> {
  const row = await db.recording.findUnique({
    where: { egressId },
    select: {
      trackSid: true,
      identity: true,
      traceId: true,
      startedAt: true,
      location: true,
      roomSession: { select: { endedAt: true } },
    },
  });
  if (!row?.trackSid || !row.traceId || !row.location) return null;
  const gone = await db.traceEvent.findFirst({
    where: {
      traceId: row.traceId,
      OR: [
        { type: "track.unpublished", payload: { path: ["trackSid"], equals: row.trackSid } },
        // Leaving unpublishes everything; LiveKit does not always say so track by track.
        {
          type: { in: ["participant.left", "participant.connection_aborted"] },
          payload: { path: ["identity"], equals: row.identity ?? "" },
        },
      ],
    },
    orderBy: { occurredAt: "desc" },
    select: { occurredAt: true },
  });
  const endedAt = gone?.occurredAt ?? row.roomSession.endedAt;
  if (!endedAt || endedAt.getTime() > now.getTime() - staleMs) return null;
  const base = path.resolve(row.location);
  const root = spoolDir();
  if (!base.startsWith(`${root}${path.sep}`)) return null;
  const dir = path.dirname(base);
  const file = fs.existsSync(dir)
    ? fs.readdirSync(dir).find((f) => f.startsWith(`${path.basename(base)}.`))
    : undefined;
  const startedAt = row.startedAt ?? endedAt;
  if (!file)
    return {
      egressId,
      status: "EGRESS_FAILED",
      error: "Egress never reported this recording's end, and left no file",
      startedAt: toNs(startedAt),
      endedAt: toNs(endedAt),
    };
  const location = path.join(dir, file);
  return {
    egressId,
    status: "EGRESS_COMPLETE",
    startedAt: toNs(startedAt),
    endedAt: toNs(endedAt),
    // Its length is estimated from the track's time (the file's own is not read here).
    fileResults: [
      {
        location,
        size: String(fs.statSync(location).size),
        duration: String(BigInt(Math.max(0, endedAt.getTime() - startedAt.getTime())) * 1_000_000n),
      },
    ],
  };
}

export const recordingEffectHandlers: EffectHandlers = {
  ...handle(syncRecording, { run: runSync }),
  ...handle(stopRecordings, { run: runStop }),
  ...handle(storeRecording, {
    run: runStore,
    done: async (tx, p, result) => {
      if (!result.key) return;
      await tx.recording.update({
        where: { id: p.recordingId },
        data: { storageKey: result.key, status: "complete", contentType: contentTypeFor(result.key) },
      });
    },
  }),
};
