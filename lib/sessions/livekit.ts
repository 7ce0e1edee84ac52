import "server-only";
import {
  AccessToken,
  DataPacket_Kind,
  RoomServiceClient,
  TrackSource,
  TwirpError,
  WebhookReceiver,
} from "livekit-server-sdk";
import { env } from "@/lib/env";
import { SERVER_TOPIC, type ParticipantMetadata, type ServerMessage } from "./schemas";

/** Booth's side of livekit-server: join tokens, webhook verification and room control. */

const g = globalThis as unknown as { boothRoomService?: RoomServiceClient; boothWebhookReceiver?: WebhookReceiver };

export function roomService() {
  return (g.boothRoomService ??= new RoomServiceClient(
    env.LIVEKIT_URL.replace(/^ws/, "http"),
    env.LIVEKIT_API_KEY,
    env.LIVEKIT_API_SECRET,
    // A call the server does not answer in time is a server that is not there, for the token path too.
    { requestTimeout: 5 },
  ));
}

export function webhookReceiver() {
  return (g.boothWebhookReceiver ??= new WebhookReceiver(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET));
}

/** Where browsers connect. */
export const publicLivekitUrl = () => env.LIVEKIT_PUBLIC_URL ?? env.LIVEKIT_URL;

/**
 * A join token for one room: join it, publish camera and microphone (the creator may also share the
 * screen), subscribe, send data. Identity is the user id; the metadata says which side they are on.
 */
/**
 * A supervisor's token: LiveKit's hidden participant (not shown to anyone in the room), subscribe-only (no
 * tracks, no data, no metadata), for one room. Issued only by lib/sessions/supervision.ts, to admins.
 */
export async function signSupervisorToken(input: { roomName: string; identity: string; ttlSeconds: number }) {
  const at = new AccessToken(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET, {
    identity: input.identity,
    name: "Supervisor",
    ttl: input.ttlSeconds,
    metadata: JSON.stringify({ role: "supervisor" }),
  });
  at.addGrant({
    room: input.roomName,
    roomJoin: true,
    roomCreate: false,
    roomList: false,
    roomAdmin: false,
    roomRecord: false,
    hidden: true,
    canPublish: false,
    canPublishSources: [],
    canPublishData: false,
    canSubscribe: true,
    canUpdateOwnMetadata: false,
  });
  return at.toJwt();
}

export async function signJoinToken(input: {
  roomName: string;
  identity: string;
  name: string;
  metadata: ParticipantMetadata;
  ttlSeconds: number;
  /**
   * What the participant may publish: "full" (a private session's two sides, a show's creator), "stage" (a
   * show's viewer invited on stage: camera and microphone), "audience" (nothing: not even data; chat goes
   * through Booth). Enforced by livekit-server, not only hidden in the UI.
   */
  publish?: "full" | "stage" | "audience";
}) {
  const at = new AccessToken(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET, {
    identity: input.identity,
    name: input.name,
    ttl: input.ttlSeconds,
    metadata: JSON.stringify(input.metadata),
  });
  const publish = input.publish ?? "full";
  const sources = publish === "audience" ? [] : [TrackSource.CAMERA, TrackSource.MICROPHONE];
  if (publish === "full" && input.metadata.role === "creator") {
    sources.push(TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO);
  }
  at.addGrant({
    room: input.roomName,
    roomJoin: true,
    roomCreate: false,
    roomList: false,
    roomAdmin: false,
    roomRecord: false,
    canPublish: publish !== "audience",
    canPublishSources: sources,
    canSubscribe: true,
    // A private session's browsers send nothing the server trusts over data either; a show's audience sends none.
    canPublishData: publish === "full",
    canUpdateOwnMetadata: false,
  });
  return at.toJwt();
}

/**
 * Creates the room if it does not exist (createRoom returns the existing one otherwise). An empty room
 * lingers a few minutes so a participant who reloads finds it, never past the window's end.
 */
export async function ensureLivekitRoom(roomName: string, closesAt: Date, now = new Date(), maxParticipants = 4) {
  // A room this process created moments ago still exists (it lingers at least a minute even when empty):
  // the second participant's token, or a retry, need not ask livekit-server again.
  const fresh = recentlyCreated.get(roomName);
  if (fresh !== undefined && fresh > Date.now()) return;
  const left = Math.max(60, Math.floor((closesAt.getTime() - now.getTime()) / 1000));
  await roomService().createRoom({
    name: roomName,
    emptyTimeout: Math.min(600, left),
    departureTimeout: Math.min(120, left),
    maxParticipants,
  });
  if (recentlyCreated.size > 1000) recentlyCreated.clear();
  recentlyCreated.set(roomName, Date.now() + ROOM_KNOWN_MS);
}

/** How long a room this process created is taken to exist without asking: under its 60 s minimum linger (emptyTimeout and departureTimeout are at least 60 s from the createRoom call). */
const ROOM_KNOWN_MS = 45_000;
const recentlyCreated = new Map<string, number>();

/** Forget a room (it was closed): the next token asks livekit-server again. */
export function forgetLivekitRoom(roomName: string) {
  recentlyCreated.delete(roomName);
}

/** Sends a server message to everyone in the room (reliable data, topic SERVER_TOPIC). */
export async function sendServerMessage(roomName: string, message: ServerMessage) {
  await sendToRoom(roomName, message);
}

/**
 * A server message as reliable data on SERVER_TOPIC (to `identities` only, when given). A room that does not
 * exist (closed when it emptied, or never opened) fails with a not-found error that isRoomGone recognises:
 * livekit-server answers a message to a room no node hosts with "no response from servers" (503, after waiting
 * seconds for a node), which would otherwise be retried as if the server were down.
 */
async function sendToRoom(roomName: string, message: ServerMessage, identities?: string[]) {
  try {
    await roomService().sendData(
      roomName,
      new TextEncoder().encode(JSON.stringify(message)),
      DataPacket_Kind.RELIABLE,
      { topic: SERVER_TOPIC, ...(identities ? { destinationIdentities: identities } : {}) },
    );
  } catch (err) {
    if (isRoomGone(err)) throw err;
    const rooms = await roomService()
      .listRooms([roomName])
      .catch(() => null);
    if (rooms?.length === 0) throw new Error(`room ${roomName} not found: nobody is in it`, { cause: err });
    throw err;
  }
}

/** True when livekit-server answered that the room does not exist (closed, or nobody ever joined). */
export const isRoomGone = (err: unknown) =>
  /not.?found|does not exist|404/i.test(String((err as Error)?.message ?? err));

/** Ends the room for everyone. A room that is already gone counts as closed. */
export async function closeRoom(roomName: string) {
  forgetLivekitRoom(roomName);
  try {
    await roomService().deleteRoom(roomName);
  } catch (err) {
    if (isRoomGone(err)) return;
    throw err;
  }
}

/**
 * True when livekit-server could not be reached at all (refused, reset, no answer in time), as opposed to
 * answering with an error (a TwirpError carries its HTTP status: that is a misconfiguration, our fault).
 */
export function isUnreachable(err: unknown) {
  if (err instanceof TwirpError) return false;
  const text = `${(err as Error)?.name ?? ""} ${(err as Error)?.message ?? ""} ${String((err as { cause?: unknown })?.cause ?? "")}`;
  return /fetch failed|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|ETIMEDOUT|UND_ERR|socket|network|timeout|timed out|abort/i.test(
    text,
  );
}

/** Changes what a participant may publish, on the server (a show's stage: invited on it, or sent back). */
export async function setPublishPermission(roomName: string, identity: string, onStage: boolean) {
  await roomService().updateParticipant(roomName, identity, {
    permission: {
      canSubscribe: true,
      canPublish: onStage,
      canPublishData: false,
      canPublishSources: onStage ? [TrackSource.CAMERA, TrackSource.MICROPHONE] : [],
      canUpdateMetadata: false,
      hidden: false,
    },
  });
}

/** Sends a server message to some participants only (by identity). */
export async function sendServerMessageTo(roomName: string, identities: string[], message: ServerMessage) {
  await sendToRoom(roomName, message, identities);
}
