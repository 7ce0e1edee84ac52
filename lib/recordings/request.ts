import "server-only";
import type { Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { enqueueEffect, nudgeEffects } from "@/lib/ops/outbox";
import { appendTrace } from "@/lib/trace/service";
import { roomRecordingPolicy, stopRecordings, syncRecording } from "./service";

/**
 * Policy "on request": the session's creator starts or stops recording from the room. Starting records
 * every track (as "always" does) until stopped or the room closes; both are on the trace, and the room
 * shows and announces it once Egress reports (the indicator follows the recordings, not the button).
 */
export async function setRecordingRequested(actor: Actor, bookingId: string, on: boolean) {
  const booking = await db.booking.findUnique({
    where: { id: bookingId },
    select: {
      traceId: true,
      status: true,
      creator: { select: { userId: true } },
      roomSession: { select: { id: true, roomName: true, closedAt: true, recordingRequestedAt: true } },
    },
  });
  // Only the session's creator: anyone else is told it does not exist.
  if (!booking || booking.creator.userId !== actor.id) throw new AppError("not_found", "No such session.");
  const rs = booking.roomSession;
  if (!rs || rs.closedAt) throw new AppError("conflict", "The room is not open: join the session first.");
  const { policy } = await roomRecordingPolicy(db, rs.id);
  if (policy !== "on_request")
    throw new AppError(
      "conflict",
      policy === "always" ? "This session is always recorded." : "This offering does not record sessions.",
    );
  if (env.RECORDING_ENABLED !== "1") throw new AppError("conflict", "Recording is not available on this platform.");
  await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM room_sessions WHERE id = ${rs.id} FOR UPDATE`;
    const now = new Date();
    const current = await tx.roomSession.findUniqueOrThrow({
      where: { id: rs.id },
      select: { recordingRequestedAt: true },
    });
    if ((current.recordingRequestedAt !== null) === on) return;
    await tx.roomSession.update({ where: { id: rs.id }, data: { recordingRequestedAt: on ? now : null } });
    await appendTrace(
      {
        traceId: booking.traceId,
        type: "recording.requested",
        source: "app",
        actorId: actor.id,
        occurredAt: now,
        payload: { on, by: actor.id },
      },
      tx,
    );
    const key = `${rs.id}:${on ? "start" : "stop"}:${now.getTime()}`;
    if (on)
      await enqueueEffect(
        tx,
        syncRecording,
        { roomSessionId: rs.id, roomName: rs.roomName, traceId: booking.traceId },
        {
          key: `recordings.sync:${key}`,
          traceId: booking.traceId,
        },
      );
    else
      await enqueueEffect(
        tx,
        stopRecordings,
        { roomSessionId: rs.id },
        { key: `recordings.stop:${key}`, traceId: booking.traceId },
      );
  });
  nudgeEffects();
  return { on };
}
