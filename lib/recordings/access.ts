import "server-only";
import { appendAudit } from "@/lib/audit/service";
import type { Actor } from "@/lib/auth/permissions";
import { isAdminOfBrand, lacksRequiredTwoFactor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { storage } from "@/lib/storage";
import { serveStoredObject } from "@/lib/storage/http";
import { signGrant, verifyGrant } from "@/lib/storage/signed";
import { mayOpenRecording } from "./rules/access";

/**
 * Who may see a recording (the rule: ./rules/access.ts), and the short-lived signed links its player and download
 * use. An admin may see every recording of their brand (a platform admin every brand's); a creator the
 * recordings of their own sessions; a viewer those of their own sessions only where the operator allows it (RECORDINGS_FOR_VIEWERS=1). Every link is signed for one user and one recording, and the file route checks both the
 * signature and the user's right again. Every view and download is in the audit log.
 */

/** How long a player or download link works (seconds): enough to start playing, not to pass around. */
export const LINK_TTL_SECONDS = 300;

const recordingForAccess = {
  id: true,
  egressId: true,
  storageKey: true,
  deletedAt: true,
  contentType: true,
  source: true,
  identity: true,
  durationMs: true,
  sizeBytes: true,
  status: true,
  startedAt: true,
  roomSession: {
    select: {
      startedAt: true,
      booking: {
        select: {
          id: true,
          startsAt: true,
          offering: { select: { title: true } },
          viewer: { select: { id: true, name: true } },
          creator: { select: { userId: true, displayName: true, user: { select: { brandId: true } } } },
        },
      },
    },
  },
} as const;

/** The recording if `actor` may see it; "not found" otherwise (a guessed id learns nothing). */
export async function getRecordingForActor(actor: Actor, recordingId: string) {
  const r = await db.recording.findUnique({ where: { id: recordingId }, select: recordingForAccess });
  const booking = r?.roomSession.booking;
  const allowed =
    r &&
    booking &&
    mayOpenRecording(
      whoOpens(actor, booking.creator.user.brandId),
      { creatorUserId: booking.creator.userId, viewerId: booking.viewer.id },
      recordingsForViewers(),
    );
  if (!allowed) throw new AppError("not_found", "No such recording.");
  return r;
}

/**
 * The actor as the rule sees them for a recording of brand `brandId`: an admin of another brand (unless a
 * platform admin), or without the two-step sign-in admins must have, is no admin here.
 */
const whoOpens = (actor: Actor, brandId: string) => ({
  id: actor.id,
  fullAdmin: isAdminOfBrand(actor, brandId) && !lacksRequiredTwoFactor(actor),
});
/** Whether the operator lets a session's viewer watch its recordings (RECORDINGS_FOR_VIEWERS=1). */
export const recordingsForViewers = () => env.RECORDINGS_FOR_VIEWERS === "1";

/**
 * The booking page's list: the recordings of booking `bookingId` that `actor` may open (none for a viewer
 * unless the operator lets viewers watch). The page has checked that the actor is a party or an admin.
 */
export async function listBookingRecordings(actor: Actor, bookingId: string) {
  const rows = await db.recording.findMany({
    where: { roomSession: { bookingId } },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      status: true,
      source: true,
      identity: true,
      durationMs: true,
      storageKey: true,
      deletedAt: true,
      roomSession: {
        select: {
          booking: {
            select: {
              viewer: { select: { id: true, name: true } },
              creator: { select: { userId: true, displayName: true, user: { select: { brandId: true } } } },
            },
          },
        },
      },
    },
  });
  return rows.flatMap((r) => {
    const b = r.roomSession.booking;
    if (!b) return [];
    const parties = { creatorUserId: b.creator.userId, viewerId: b.viewer.id };
    if (!mayOpenRecording(whoOpens(actor, b.creator.user.brandId), parties, recordingsForViewers())) return [];
    return [
      {
        id: r.id,
        status: r.status,
        label: `${r.source ?? "track"} of ${r.identity === b.viewer.id ? b.viewer.name : b.creator.displayName}`,
        durationMs: r.durationMs === null ? null : Number(r.durationMs),
        playable: Boolean(r.storageKey) && !r.deletedAt,
        deleted: r.deletedAt !== null,
      },
    ];
  });
}

type LinkKind = "view" | "download";
const resource = (id: string, kind: LinkKind) => `recording:${kind}:${id}`;

/** A signed link to the file for `actor` (checked to have the right first), valid LINK_TTL_SECONDS. */
export function signedRecordingUrl(actor: Actor, recordingId: string, kind: LinkKind, nowSeconds = Date.now() / 1000) {
  const expires = Math.floor(nowSeconds) + LINK_TTL_SECONDS;
  const sig = signGrant(env.AUTH_SECRET, { resource: resource(recordingId, kind), userId: actor.id, expires });
  const q = new URLSearchParams({ e: String(expires), s: sig });
  if (kind === "download") q.set("download", "1");
  return `/api/recordings/${encodeURIComponent(recordingId)}/file?${q}`;
}

/** The player page: the recording, its signed link, and the view in the audit log. */
export async function openRecordingPlayer(actor: Actor, recordingId: string) {
  const r = await getRecordingForActor(actor, recordingId);
  if (!r.storageKey || r.deletedAt) return { recording: r, playUrl: null, downloadUrl: null };
  await appendAudit(db, {
    actor: { id: actor.id, email: actor.email },
    action: "recording.viewed",
    subjectType: "recording",
    subjectId: r.id,
    subjectUserId: r.identity,
    details: { egressId: r.egressId, bookingId: r.roomSession.booking?.id ?? null },
  });
  return {
    recording: r,
    playUrl: signedRecordingUrl(actor, r.id, "view"),
    downloadUrl: signedRecordingUrl(actor, r.id, "download"),
  };
}

/**
 * GET /api/recordings/:id/file: 403 for a link that is altered, expired or made for someone else; 404 when
 * the user may not see the recording (or it is gone); else the file with range requests. A download is
 * audit-logged once per download (its first byte range).
 */
export async function serveRecordingFile(actor: Actor, recordingId: string, req: Request) {
  const url = new URL(req.url);
  const download = url.searchParams.get("download") === "1";
  const expires = Number(url.searchParams.get("e"));
  const check = verifyGrant(
    env.AUTH_SECRET,
    { resource: resource(recordingId, download ? "download" : "view"), userId: actor.id, expires },
    url.searchParams.get("s") ?? "",
    Date.now() / 1000,
  );
  if (!check.ok)
    throw new AppError(
      "forbidden",
      check.reason === "expired"
        ? "This link has expired: open the recording again for a new one."
        : "This link is not valid.",
    );
  const r = await getRecordingForActor(actor, recordingId);
  if (!r.storageKey || r.deletedAt) throw new AppError("not_found", "This recording was deleted.");
  const range = req.headers.get("range");
  if (download && req.method === "GET" && (!range || /^bytes=0-/.test(range)))
    await appendAudit(db, {
      actor: { id: actor.id, email: actor.email },
      action: "recording.downloaded",
      subjectType: "recording",
      subjectId: r.id,
      subjectUserId: r.identity,
      details: { egressId: r.egressId },
    });
  return serveStoredObject(req, storage(), r.storageKey, {
    cacheControl: "private, no-store",
    downloadName: download ? `${r.egressId}${r.storageKey.slice(r.storageKey.lastIndexOf("."))}` : undefined,
  });
}
