import crypto from "node:crypto";
import type { BookingStatus, RecordingPolicy } from "@/lib/generated/prisma/enums";
import { db } from "@/lib/db";
import { appendTrace } from "@/lib/trace/service";
import { createCreator, createUser } from "./factories";

/**
 * A paid private session written straight to the database: a creator, a viewer, a confirmed booking
 * (startsAt = now + startsInMinutes) and its paid payment, as the Stripe webhook would have left them.
 * The payment intent id is unique per call so refunds and searches can find it.
 */
export async function paidSession(
  opts: {
    startsInMinutes?: number;
    durationMinutes?: number;
    status?: BookingStatus;
    priceCents?: number;
    recordingPolicy?: RecordingPolicy;
  } = {},
) {
  const creator = await createCreator({ timeZone: "Europe/Lisbon" });
  const viewer = await createUser({ name: "Session Viewer" });
  const duration = opts.durationMinutes ?? 30;
  const offering = await db.offering.create({
    data: {
      creatorId: creator.profile.id,
      kind: "private_session",
      title: "Live review",
      durationMinutes: duration,
      priceCents: opts.priceCents ?? 4000,
      currency: "EUR",
      minNoticeMinutes: 0,
      horizonDays: 30,
      recordingPolicy: opts.recordingPolicy ?? "never",
    },
  });
  const startsAt = new Date(Date.now() + (opts.startsInMinutes ?? 1) * 60_000);
  startsAt.setMilliseconds(0);
  const endsAt = new Date(startsAt.getTime() + duration * 60_000);
  const status = opts.status ?? "confirmed";
  const booking = await db.booking.create({
    data: {
      offeringId: offering.id,
      creatorId: creator.profile.id,
      viewerId: viewer.id,
      startsAt,
      endsAt,
      status,
      holdsSlot: status === "confirmed",
      priceCents: offering.priceCents,
      currency: "EUR",
      viewerTimeZone: "Asia/Tokyo",
    },
  });
  const tag = crypto.randomBytes(6).toString("hex");
  const payment = await db.payment.create({
    data: {
      traceId: booking.traceId,
      kind: "booking",
      bookingId: booking.id,
      payerId: viewer.id,
      amountCents: offering.priceCents,
      currency: "EUR",
      status: status === "pending_payment" ? "pending" : "paid",
      paidAt: status === "pending_payment" ? null : new Date(),
      stripeCheckoutSessionId: `cs_test_${tag}`,
      stripePaymentIntentId: status === "pending_payment" ? null : `pi_test_${tag}`,
    },
  });
  return { creator, viewer, offering, booking, payment };
}

/**
 * A LiveKit webhook as livekit-server sends it: the JSON body, and a JWT signed with the API secret
 * whose sha256 claim is the body's SHA-256 (base64). `secret` other than the server's forges it.
 */
export async function signedLivekitWebhook(event: Record<string, unknown>, opts: { secret?: string } = {}) {
  const { AccessToken } = await import("livekit-server-sdk");
  const body = JSON.stringify({
    id: `EV_${crypto.randomBytes(8).toString("hex")}`,
    createdAt: String(Math.floor(Date.now() / 1000)),
    ...event,
  });
  const at = new AccessToken(process.env.LIVEKIT_API_KEY!, opts.secret ?? process.env.LIVEKIT_API_SECRET!);
  at.sha256 = crypto.createHash("sha256").update(body).digest("base64");
  return { body, authorization: await at.toJwt() };
}

/** Posts a signed (or forged) LiveKit webhook to the running app. */
export async function deliverLivekit(hook: { body: string; authorization?: string }) {
  const { baseUrl } = await import("./http");
  return fetch(`${baseUrl()}/api/livekit/webhook`, {
    method: "POST",
    headers: {
      "content-type": "application/webhook+json",
      ...(hook.authorization ? { authorization: hook.authorization } : {}),
    },
    body: hook.body,
  });
}

/**
 * LiveKit's record of a session, as its webhooks leave it on the trace: each event `atMin` minutes after the
 * start, by the viewer or the creator (`source`: the track's, for track events).
 */
export async function recordPresence(
  s: Awaited<ReturnType<typeof paidSession>>,
  events: { type: string; role: "viewer" | "creator"; atMin: number; source?: string }[],
) {
  for (const [i, e] of events.entries()) {
    const identity = e.role === "viewer" ? s.viewer.id : s.creator.user.id;
    await appendTrace({
      traceId: s.booking.traceId,
      type: e.type as "participant.joined",
      source: "livekit",
      actorId: identity,
      occurredAt: new Date(s.booking.startsAt.getTime() + e.atMin * 60_000),
      payload: {
        role: e.role,
        seq: null,
        attempt: null,
        policy: null,
        joinId: null,
        webhookId: `wh_${s.booking.id}_${i}`,
        ...(e.type === "participant.left" || e.type === "participant.connection_aborted"
          ? { disconnectReason: null }
          : {}),
        identity,
        participantSid: `PA_${e.role}_${s.booking.id}`,
        ...(e.source
          ? { trackSid: `TR_${e.role}_${i}`, source: e.source, kind: e.source === "camera" ? "video" : "audio" }
          : {}),
      },
    });
  }
}
