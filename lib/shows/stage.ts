import "server-only";
import type { Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { enqueueEffect, nudgeEffects } from "@/lib/ops/outbox";
import { takeBudget } from "@/lib/rate-limit";
import { appendTrace } from "@/lib/trace/service";
import { broadcast, stagePermission } from "@/lib/sessions/room-effects";
import { showParty } from "./live";

/**
 * A show's stage. A viewer raises a hand; the creator sees the queue and invites one (at most GROUP_STAGE_MAX
 * invited or on stage at once, counted under the room's lock); the viewer consents after a device check
 * and is let publish camera and microphone by livekit-server (a permission change on the server, not a UI
 * switch); the creator sends them back, or they step down, and the permission is taken away again.
 */
type Tx = Prisma.TransactionClient;
type Status = "raised" | "invited" | "on_stage" | "ended";
const ACTIVE: Status[] = ["raised", "invited", "on_stage"];

async function liveRoom(actor: Actor, eventId: string) {
  const party = await showParty(actor, eventId);
  if (!party?.role) throw new AppError("not_found", "No such show.");
  const rs = await db.roomSession.findUnique({
    where: { groupEventId: eventId },
    select: { id: true, roomName: true, closedAt: true },
  });
  if (!rs || rs.closedAt || party.show.status !== "live") throw new AppError("conflict", "The show is not live.");
  return { party, rs };
}

/** One change of a stage request, with its trace event and the room told to look again; locked per room. */
async function change(
  tx: Tx,
  rs: { id: string; roomName: string },
  req: { id: string; userId: string },
  status: Status,
  traceId: string,
  actorId: string,
  extra: Prisma.StageRequestUpdateInput = {},
  reason: string | null = null,
) {
  await tx.stageRequest.update({ where: { id: req.id }, data: { status, ...extra } });
  await appendTrace(
    {
      traceId,
      type: "stage.changed",
      source: "app",
      actorId,
      payload: { requestId: req.id, userId: req.userId, status, reason },
    },
    tx,
  );
  await enqueueEffect(
    tx,
    broadcast,
    { roomName: rs.roomName, message: { type: "stage", version: Date.now() } },
    { key: `stage:${req.id}:${status}:${Date.now()}`, traceId },
  );
}

const lockRoom = (tx: Tx, id: string) => tx.$queryRaw`SELECT id FROM room_sessions WHERE id = ${id} FOR UPDATE`;

/** A ticket holder raises a hand (once at a time). */
export async function raiseHand(actor: Actor, eventId: string) {
  const { party, rs } = await liveRoom(actor, eventId);
  if (party.role !== "viewer") throw new AppError("invalid", "Only the audience raises hands.");
  await takeBudget("stage", actor.id);
  const id = await db.$transaction(async (tx) => {
    await lockRoom(tx, rs.id);
    const open = await tx.stageRequest.findFirst({
      where: { roomSessionId: rs.id, userId: actor.id, status: { in: ACTIVE } },
    });
    if (open) return open.id;
    const req = await tx.stageRequest.create({ data: { roomSessionId: rs.id, userId: actor.id } });
    await appendTrace(
      {
        traceId: party.traceId!,
        type: "stage.changed",
        source: "app",
        actorId: actor.id,
        payload: { requestId: req.id, userId: actor.id, status: "raised" },
      },
      tx,
    );
    await enqueueEffect(
      tx,
      broadcast,
      { roomName: rs.roomName, message: { type: "stage", version: Date.now() } },
      { key: `stage:${req.id}:raised`, traceId: party.traceId },
    );
    return req.id;
  });
  nudgeEffects();
  return { requestId: id };
}

async function requestFor(tx: Tx, rs: { id: string }, requestId: string) {
  const req = await tx.stageRequest.findUnique({ where: { id: requestId } });
  if (!req || req.roomSessionId !== rs.id) throw new AppError("not_found", "No such request.");
  return req;
}

const ticketTrace = async (tx: Tx, eventId: string, userId: string, fallback: string) =>
  (
    await tx.ticket.findUnique({
      where: { eventId_viewerId: { eventId, viewerId: userId } },
      select: { traceId: true },
    })
  )?.traceId ?? fallback;

/** The creator invites a raised hand on stage, if a place is free. */
export async function inviteToStage(actor: Actor, eventId: string, requestId: string) {
  const { party, rs } = await liveRoom(actor, eventId);
  if (party.role !== "creator") throw new AppError("forbidden", "Only the show's creator brings people on stage.");
  await db.$transaction(async (tx) => {
    await lockRoom(tx, rs.id);
    const req = await requestFor(tx, rs, requestId);
    if (req.status !== "raised") throw new AppError("conflict", "That hand is not raised any more.");
    const taken = await tx.stageRequest.count({
      where: { roomSessionId: rs.id, status: { in: ["invited", "on_stage"] } },
    });
    if (taken >= env.GROUP_STAGE_MAX) {
      throw new AppError("conflict", `The stage is full (${env.GROUP_STAGE_MAX} at a time): send someone back first.`);
    }
    await change(tx, rs, req, "invited", await ticketTrace(tx, eventId, req.userId, party.show.traceId), actor.id, {
      invitedAt: new Date(),
    });
  });
  nudgeEffects();
}

/** The invited viewer, after their device check, goes on stage: livekit-server lets them publish. */
export async function acceptStage(actor: Actor, eventId: string, requestId: string) {
  const { party, rs } = await liveRoom(actor, eventId);
  await db.$transaction(async (tx) => {
    await lockRoom(tx, rs.id);
    const req = await requestFor(tx, rs, requestId);
    if (req.userId !== actor.id) throw new AppError("not_found", "No such request.");
    if (req.status !== "invited") throw new AppError("conflict", "That invitation is not open any more.");
    await change(tx, rs, req, "on_stage", party.traceId!, actor.id, { onStageAt: new Date() });
    await enqueueEffect(
      tx,
      stagePermission,
      { roomName: rs.roomName, identity: actor.id, onStage: true },
      { key: `stage-perm:${req.id}:on`, traceId: party.traceId },
    );
  });
  nudgeEffects();
}

/**
 * Ends a stage request: the viewer lowers their hand, declines, or steps down; the creator sends them back
 * or turns the hand down. Whoever was on stage loses the right to publish (their tracks stop).
 */
export async function endStage(actor: Actor, eventId: string, requestId: string) {
  const { party, rs } = await liveRoom(actor, eventId);
  await db.$transaction(async (tx) => {
    await lockRoom(tx, rs.id);
    const req = await requestFor(tx, rs, requestId);
    const own = req.userId === actor.id;
    if (!own && party.role !== "creator") throw new AppError("not_found", "No such request.");
    if (req.status === "ended") return;
    const reason = own
      ? req.status === "invited"
        ? "declined"
        : req.status === "raised"
          ? "lowered"
          : "stepped_down"
      : "sent_back";
    await change(
      tx,
      rs,
      req,
      "ended",
      own ? party.traceId! : await ticketTrace(tx, eventId, req.userId, party.show.traceId),
      actor.id,
      { endedAt: new Date(), endReason: reason },
      reason,
    );
    if (req.status === "on_stage") {
      await enqueueEffect(
        tx,
        stagePermission,
        { roomName: rs.roomName, identity: req.userId, onStage: false },
        { key: `stage-perm:${req.id}:off`, traceId: party.traceId ?? party.show.traceId },
      );
    }
  });
  nudgeEffects();
}

/** The stage as the room page shows it: the queue (the creator sees names), who is invited or on stage. */
export async function getStage(actor: Actor, eventId: string) {
  const party = await showParty(actor, eventId);
  if (!party?.role) throw new AppError("not_found", "No such show.");
  const rs = await db.roomSession.findUnique({ where: { groupEventId: eventId }, select: { id: true } });
  if (!rs) return { requests: [], max: env.GROUP_STAGE_MAX };
  const requests = await db.stageRequest.findMany({
    where: { roomSessionId: rs.id, status: { in: ACTIVE } },
    orderBy: { raisedAt: "asc" },
    select: { id: true, userId: true, status: true, raisedAt: true, user: { select: { name: true } } },
  });
  return {
    max: env.GROUP_STAGE_MAX,
    requests: requests
      .filter((r) => party.role === "creator" || r.userId === actor.id || r.status === "on_stage")
      .map((r) => ({
        id: r.id,
        userId: r.userId,
        name: r.user.name,
        status: r.status,
        raisedAt: r.raisedAt.toISOString(),
      })),
  };
}
