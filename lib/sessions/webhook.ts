import "server-only";
import type { WebhookEvent } from "livekit-server-sdk";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logger";
import { nudgeEffects } from "@/lib/ops/outbox";
import { recordEventOnce } from "@/lib/ops/processed-events";
import { applyEgressEvent, type EgressInfoJson, requestRecordingSync } from "@/lib/recordings/service";
import { appendTrace } from "@/lib/trace/service";
import type { TracePayloadInput } from "@/lib/trace/events";
import { webhookReceiver } from "./livekit";
import { lockParticipantConnections } from "./locks";
import { removeIfSuspendedInTx } from "./room-effects";
import { isSupervisorIdentity, participantMetadata, type ParticipantMetadata } from "./schemas";
import { recordSupervisorPresence } from "./supervision";
import type { ResolvedRoom, Rooms } from "./room-kind";

const log = logger.child({ module: "livekit-webhook" });
type Tx = Prisma.TransactionClient;

export type LivekitWebhookOutcome = { eventId: string; type: string; result: "processed" | "duplicate" | "ignored" };

type LivekitTraceType =
  | "room.started"
  | "room.finished"
  | "participant.joined"
  | "participant.left"
  | "participant.connection_aborted"
  | "track.published"
  | "track.unpublished";

const traceTypes: Record<string, LivekitTraceType> = {
  room_started: "room.started",
  room_finished: "room.finished",
  participant_joined: "participant.joined",
  participant_left: "participant.left",
  participant_connection_aborted: "participant.connection_aborted",
  track_published: "track.published",
  track_unpublished: "track.unpublished",
};

/** The parts of a LiveKit event Booth uses, as JSON (enum names as strings; created_at in seconds). */
type EventJson = {
  event?: string;
  id?: string;
  createdAt?: string;
  room?: { sid?: string; name?: string };
  participant?: { sid?: string; identity?: string; metadata?: string; disconnectReason?: string };
  track?: { sid?: string; type?: string; source?: string };
  egressInfo?: EgressInfoJson;
};

function readMetadata(raw: string | undefined): ParticipantMetadata | null {
  if (!raw) return null;
  try {
    const parsed = participantMetadata.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Verifies, deduplicates and records one LiveKit webhook. A missing or forged signature is a 401.
 * The dedupe row (source livekit, event id) commits with the changes, so a redelivery does nothing;
 * every change is order-independent (earliest join, latest leave), so events may arrive in any order.
 */
export async function processLivekitWebhook(
  body: string,
  authorization: string | null,
  rooms: Rooms,
): Promise<LivekitWebhookOutcome> {
  if (!authorization) throw new AppError("unauthorized", "Missing Authorization header: LiveKit webhooks are signed.");
  let event: WebhookEvent;
  try {
    event = await webhookReceiver().receive(body, authorization);
  } catch (err) {
    // The SDK checks the signature and the body's hash first, then parses: a parse error means a signed
    // body that is not a LiveKit event (400); anything else is a bad signature (401).
    const message = err instanceof Error ? err.message : "rejected";
    if (err instanceof SyntaxError || /cannot decode/i.test(message))
      throw new AppError("bad_request", `The body is not a LiveKit webhook event: ${message}`);
    throw new AppError("unauthorized", `Invalid LiveKit webhook signature: ${message}.`);
  }
  const json = event.toJson() as EventJson;
  const type = json.event ?? "";
  const eventId = json.id ?? "";
  if (type.startsWith("egress_")) return processEgressWebhook(json, type, eventId, rooms);
  const traceType = Object.hasOwn(traceTypes, type) ? traceTypes[type] : undefined;
  const roomName = json.room?.name ?? "";
  const room = traceType && eventId ? await rooms.resolve(roomName) : null;
  if (!traceType || !room) {
    log.info({ eventId, type, roomName }, "livekit event not about a session; acknowledged");
    return { eventId, type, result: "ignored" };
  }

  // LiveKit stamps events in whole seconds. Received within that second, the receive time is the finer
  // clock (so "joined" does not sort before the token issued earlier in the same second); otherwise the
  // stamp (a redelivery or a late event keeps its own time).
  const received = Date.now();
  const stamped = json.createdAt ? Number(json.createdAt) * 1000 : received;
  const occurredAt = new Date(received >= stamped && received < stamped + 1000 ? received : stamped);
  let removing = false;
  let recording = false;
  const fresh = await db.$transaction(async (tx) => {
    if (!(await recordEventOnce(tx, "livekit", eventId, type))) return false;
    const roomSession = await room.roomSession(tx);
    // Serialises the events about one room (room_started, room_finished: its row), or about one participant
    // of it (their connection rows, as a token being issued to them does): the read-then-write below never
    // races another delivery, and a show's many joins do not queue behind each other.
    const identity = json.participant?.identity;
    if (type.startsWith("room_") || !identity)
      await tx.$queryRaw`SELECT id FROM room_sessions WHERE id = ${roomSession.id} FOR UPDATE`;
    else await lockParticipantConnections(tx, roomSession.id, identity);
    const payload = await apply(tx, roomSession.id, room, json, type, occurredAt);
    // An admin supervising unseen: their join and leave are audit rows (the trace gets the event below).
    if (identity && isSupervisorIdentity(identity) && (type === "participant_joined" || type === "participant_left"))
      await recordSupervisorPresence(tx, roomSession.id, identity, type);
    // A token issued before a suspension still connects (LiveKit cannot revoke it): take them out again.
    if (type === "participant_joined" && identity && payload.trace.role)
      removing = await removeIfSuspendedInTx(
        tx,
        { id: roomSession.id, roomName, traceId: payload.traceId ?? room.traceId },
        identity,
        json.participant?.sid ?? "",
      );
    // Someone joined or published: a recorded room starts recording what is not recorded yet (the creator present).
    if (type === "participant_joined" || type === "track_published")
      recording = await requestRecordingSync(
        tx,
        { roomSessionId: roomSession.id, roomName, traceId: room.traceId },
        eventId,
      );
    await appendTrace(
      {
        traceId: payload.traceId ?? room.traceId,
        type: traceType,
        source: "livekit",
        actorId: payload.identity ?? null,
        occurredAt: payload.at ?? occurredAt,
        // Built field by field in apply() for whichever of the seven types this is; appendTrace checks it
        // against that type's schema before it is stored.
        payload: { ...payload.trace, webhookId: eventId } as TracePayloadInput<LivekitTraceType>,
      },
      tx,
    );
    return true;
  });
  if (removing || recording) nudgeEffects();
  if (!fresh) {
    log.info({ eventId, type }, "duplicate livekit event ignored");
    return { eventId, type, result: "duplicate" };
  }
  return { eventId, type, result: "processed" };
}

/** egress_started / egress_updated / egress_ended: the recording's row and trace (lib/recordings), deduplicated like the rest. */
async function processEgressWebhook(
  json: EventJson,
  type: string,
  eventId: string,
  rooms: Rooms,
): Promise<LivekitWebhookOutcome> {
  const roomName = json.egressInfo?.roomName ?? "";
  const room = eventId && json.egressInfo?.egressId ? await rooms.resolve(roomName) : null;
  if (!room) {
    log.info({ eventId, type, roomName }, "egress event not about a session; acknowledged");
    return { eventId, type, result: "ignored" };
  }
  // The room's recording lock may be held by a sync starting an egress (a call to Egress): wait for it.
  const fresh = await db.$transaction(
    async (tx) => {
      if (!(await recordEventOnce(tx, "livekit", eventId, type))) return false;
      const roomSession = await room.roomSession(tx);
      await applyEgressEvent(
        tx,
        { roomSessionId: roomSession.id, roomName, traceId: room.traceId },
        type,
        json.egressInfo!,
        eventId,
      );
      return true;
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
  if (!fresh) return { eventId, type, result: "duplicate" };
  nudgeEffects();
  return { eventId, type, result: "processed" };
}

async function apply(
  tx: Tx,
  roomSessionId: string,
  room: ResolvedRoom,
  json: EventJson,
  type: string,
  stamped: Date,
): Promise<{ identity?: string; trace: Prisma.InputJsonObject; at?: Date; traceId?: string }> {
  let at = stamped;
  if (type === "room_started" || type === "room_finished") {
    const rs = await tx.roomSession.findUniqueOrThrow({ where: { id: roomSessionId } });
    const sid = json.room?.sid || null;
    const data: Prisma.RoomSessionUpdateInput = {};
    if (sid && !rs.livekitRoomSid) {
      const taken = await tx.roomSession.findUnique({ where: { livekitRoomSid: sid }, select: { id: true } });
      if (!taken) data.livekitRoomSid = sid;
    }
    if (type === "room_started") {
      if (!rs.startedAt || at < rs.startedAt) data.startedAt = at;
      // A start newer than the last finish means the room is live again (someone rejoined).
      if (!rs.endedAt || at > rs.endedAt) data.status = "active";
    } else {
      if (!rs.endedAt || at > rs.endedAt) {
        data.endedAt = at;
        data.status = "ended";
      }
    }
    await tx.roomSession.update({ where: { id: roomSessionId }, data });
    return { trace: { roomName: json.room?.name ?? "", roomSid: sid } };
  }

  const p = json.participant ?? {};
  const identity = p.identity ?? "";
  const participantSid = p.sid ?? "";
  const meta = readMetadata(p.metadata);
  // The side is the one the room knows them as; an identity that is neither side (no Booth token) is
  // recorded on the trace but is nobody's connection, and settlement ignores it.
  const party = await room.party(tx, identity);
  const role = party.side;
  const ref = {
    role,
    seq: meta?.seq ?? null,
    attempt: meta?.attempt ?? null,
    policy: meta?.policy ?? null,
    joinId: meta?.joinId ?? null,
  };
  const source = (json.track?.source ?? "UNKNOWN").toLowerCase();
  const kind = (json.track?.type ?? "").toLowerCase();
  const trackTrace = type.startsWith("track_") ? { trackSid: json.track?.sid ?? "", source, kind } : {};
  const reason = p.disconnectReason && p.disconnectReason !== "UNKNOWN_REASON" ? p.disconnectReason : null;
  const leftTrace =
    type === "participant_left" || type === "participant_connection_aborted"
      ? { disconnectReason: type === "participant_connection_aborted" ? "CONNECTION_ABORTED" : reason }
      : {};
  const trace = { ...ref, identity, participantSid, ...trackTrace, ...leftTrace };
  if (!role) return { identity, trace, traceId: party.traceId };

  const row = await findConnection(
    tx,
    roomSessionId,
    identity,
    participantSid,
    meta?.seq ?? null,
    role,
    meta?.policy ?? "all",
    meta?.joinId ?? null,
  );
  // A join cannot come before its own token: a whole-second stamp delivered late can read as if it did.
  if (
    type === "participant_joined" &&
    row.tokenIssuedAt &&
    at < row.tokenIssuedAt &&
    row.tokenIssuedAt.getTime() - at.getTime() < 1000
  )
    at = row.tokenIssuedAt;
  const data: Prisma.ParticipantConnectionUpdateInput = {};
  if (participantSid && !row.livekitParticipantSid) data.livekitParticipantSid = participantSid;
  if (type === "track_published") {
    if (!row.firstPublishedAt || at < row.firstPublishedAt) data.firstPublishedAt = at;
    if (!row.publishedSources.includes(source)) data.publishedSources = { push: source };
  } else if (type === "track_unpublished") {
    // Only the trace: the row keeps what was ever published.
  } else if (type === "participant_joined") {
    if (!row.joinedAt || at < row.joinedAt) data.joinedAt = at;
  } else {
    if (!row.leftAt || at > row.leftAt) data.leftAt = at;
    if (type === "participant_connection_aborted") data.disconnectReason = "CONNECTION_ABORTED";
    else if (reason && !row.disconnectReason) data.disconnectReason = reason;
  }
  if (Object.keys(data).length) await tx.participantConnection.update({ where: { id: row.id }, data });
  return { identity, trace, at, traceId: party.traceId };
}

/** The row of this connection: by participant SID, else by the token's seq, else a new row (a token Booth did not record). */
async function findConnection(
  tx: Tx,
  roomSessionId: string,
  identity: string,
  participantSid: string,
  seq: number | null,
  role: "viewer" | "creator",
  policy: "all" | "relay",
  joinId: string | null,
) {
  if (participantSid) {
    const bySid = await tx.participantConnection.findUnique({ where: { livekitParticipantSid: participantSid } });
    if (bySid) return bySid;
  }
  if (seq) {
    const bySeq = await tx.participantConnection.findUnique({
      where: { roomSessionId_identity_attempt: { roomSessionId, identity, attempt: seq } },
    });
    if (bySeq) return bySeq;
  }
  const last = await tx.participantConnection.findFirst({
    where: { roomSessionId, identity },
    orderBy: { attempt: "desc" },
    select: { attempt: true },
  });
  const user = await tx.user.findUnique({ where: { id: identity }, select: { id: true } });
  return tx.participantConnection.create({
    data: {
      roomSessionId,
      identity,
      userId: user?.id ?? null,
      role,
      attempt: Math.max(seq ?? 0, (last?.attempt ?? 0) + 1),
      iceTransportPolicy: policy,
      joinId,
    },
  });
}
