import "server-only";
import type { Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { decideToken } from "./rules/token-policy";
import { windowConfig } from "./service";
import { isRecordingNow } from "@/lib/recordings/queries";
import { platformRecordingNotice, recordingAvailable } from "@/lib/recordings/notice";

/** What the room page can offer: the pre-join, or why not (yet). */
export type RoomState = "open" | "not_paid" | "not_open_yet" | "ended";

/**
 * The room page of a private session (id = booking id) for its viewer or creator; null for anyone
 * else, so the page can answer 404 without saying the session exists. The token endpoint remains the
 * authority on joining; this only decides what the page shows.
 */
export async function getRoomPage(actor: Actor, bookingId: string, now = new Date()) {
  const b = await db.booking.findUnique({
    where: { id: bookingId },
    select: {
      id: true,
      status: true,
      startsAt: true,
      endsAt: true,
      viewerId: true,
      currency: true,
      offering: { select: { title: true, kind: true, recordingPolicy: true } },
      roomSession: { select: { id: true, recordingRequestedAt: true } },
      viewer: { select: { name: true } },
      creator: { select: { userId: true, displayName: true } },
    },
  });
  if (b?.offering.kind !== "private_session") return null;
  // The token endpoint's own rules decide what the page offers (the page only shows; the endpoint decides).
  const decision = decideToken(
    {
      userId: actor.id,
      userStatus: actor.status,
      booking: { ...b, creatorUserId: b.creator.userId },
      now,
      timeZone: "UTC",
    },
    windowConfig(),
  );
  // (A suspended user never gets here: page sign-in sends them to /auth/ended.)
  if (!decision.ok && (decision.reason === "not_participant" || decision.reason === "suspended")) return null;
  const role = b.viewerId === actor.id ? "viewer" : "creator";
  const { window } = decision;
  const state: RoomState = decision.ok
    ? "open"
    : decision.reason === "not_paid"
      ? "not_paid"
      : decision.reason === "not_open_yet"
        ? "not_open_yet"
        : "ended";
  return {
    bookingId: b.id,
    title: b.offering.title,
    role,
    otherName: role === "viewer" ? b.creator.displayName : b.viewer.name,
    status: b.status,
    currency: b.currency,
    state,
    startsAt: b.startsAt.toISOString(),
    endsAt: b.endsAt.toISOString(),
    opensAt: window.opensAt.toISOString(),
    closesAt: window.closesAt.toISOString(),
    warningAt: window.warningAt.toISOString(),
    /** The server's clock at this answer: the page counts down by it, not by the browser's clock. */
    serverNow: now.toISOString(),
    /** The consent notice shown before joining (null when the offering never records, or the platform cannot). */
    recordingNotice: platformRecordingNotice(b.offering.recordingPolicy),
    /** Whether a recording of the room runs now (the indicator's first state; server messages update it). */
    recordingActive: b.roomSession ? await isRecordingNow(b.roomSession.id) : false,
    /** Policy "on request": the creator gets a start/stop button, here with its current state. */
    recordingControl:
      role === "creator" && b.offering.recordingPolicy === "on_request" && recordingAvailable()
        ? { requested: Boolean(b.roomSession?.recordingRequestedAt) }
        : null,
  };
}
export type RoomPage = NonNullable<Awaited<ReturnType<typeof getRoomPage>>>;
