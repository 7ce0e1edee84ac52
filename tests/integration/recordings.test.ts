import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { enqueueEffect } from "@/lib/ops/outbox";
import { stopRecordings } from "@/lib/recordings/service";
import { getRecordingForActor } from "@/lib/recordings/access";
import { sweepExpiredRecordings } from "@/lib/recordings/retention";
import { storage } from "@/lib/storage";
import { signGrant } from "@/lib/storage/signed";
import { createUser, TEST_PASSWORD } from "../helpers/factories";
import { flushEffects } from "../helpers/effects";
import { HttpClient } from "../helpers/http";
import { paidSession, signedLivekitWebhook } from "../helpers/sessions";

// Recordings without Egress: rows and files written here stand for what Egress and the store effect leave
// (tests/recording/egress.test.ts records for real). The app under test serves, signs, refuses and audits.

const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 251));

async function signedIn(email: string) {
  const c = new HttpClient();
  await c.signIn(email, TEST_PASSWORD);
  return c;
}

/** A paid session's room with one stored recording (the creator's camera). */
async function storedRecording(opts: { retainUntil?: Date | null } = {}) {
  const s = await paidSession({ recordingPolicy: "always" });
  const now = Date.now();
  const rs = await db.roomSession.create({
    data: {
      traceId: s.booking.traceId,
      bookingId: s.booking.id,
      roomName: `booth-${s.booking.id}`,
      status: "ended",
      startedAt: new Date(now - 120_000),
      endedAt: new Date(now - 60_000),
    },
  });
  const egressId = `EG_${crypto.randomBytes(6).toString("hex")}`;
  const key = `recordings/test/${egressId.toLowerCase()}.webm`;
  await storage().put(key, bytes);
  const rec = await db.recording.create({
    data: {
      roomSessionId: rs.id,
      traceId: s.booking.traceId,
      egressId,
      status: "complete",
      storageKey: key,
      contentType: "video/webm",
      trackSid: `TR_${egressId}`,
      identity: s.creator.user.id,
      source: "camera",
      kind: "video",
      durationMs: 50_000n,
      sizeBytes: BigInt(bytes.length),
      startedAt: new Date(now - 110_000),
      endedAt: new Date(now - 60_000),
      retainUntil: opts.retainUntil === undefined ? new Date(now + 86_400_000) : opts.retainUntil,
    },
  });
  const creatorEmail = (await db.user.findUniqueOrThrow({ where: { id: s.creator.user.id } })).email;
  return { s, rs, rec, key, creatorEmail };
}

/** The player page's signed links, as the page gives them to the browser. */
async function playerLinks(c: HttpClient, id: string) {
  const res = await c.fetch(`/recordings/${id}`);
  const html = await res.text();
  const src = /data-testid="recording-player"[^>]*src="([^"]+)"|src="([^"]+)"[^>]*data-testid="recording-player"/.exec(
    html,
  );
  const dl = /href="([^"]+)"[^>]*data-testid="recording-download"/.exec(html);
  const unescapeHtml = (u: string | undefined) => u?.replaceAll("&amp;", "&") ?? null;
  return { status: res.status, play: unescapeHtml(src?.[1] ?? src?.[2]), download: unescapeHtml(dl?.[1]) };
}

describe("reviewing recordings", () => {
  it("an admin plays a recording through a signed link with range requests; viewing and downloading are audit-logged", async () => {
    const { rec } = await storedRecording();
    const admin = await createUser({ role: "admin" });
    const c = await signedIn(admin.email);
    const links = await playerLinks(c, rec.id);
    expect(links.status).toBe(200);
    expect(links.play).toMatch(new RegExp(`^/api/recordings/${rec.id}/file\\?e=\\d+&s=`));
    const part = await c.fetch(links.play!, { headers: { range: "bytes=100-199" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const whole = await c.fetch(links.download!);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-disposition")).toMatch(/^attachment; filename="EG_/);
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(bytes);
    // An admin without the two-step sign-in admins must have gets nothing, as a guessed id does.
    const halfAdmin = await createUser({ role: "admin", twoFactor: false });
    await expect(getRecordingForActor(halfAdmin, rec.id)).rejects.toMatchObject({ status: 404 });
    const audit = await db.auditEvent.findMany({ where: { subjectType: "recording", subjectId: rec.id } });
    expect(audit.map((a) => [a.action, a.actorId]).sort()).toEqual([
      ["recording.downloaded", admin.id],
      ["recording.viewed", admin.id],
    ]);
  });

  it("the session's creator may play it; its viewer, another creator and a guessed id get nothing", async () => {
    const { s, rec, creatorEmail } = await storedRecording();
    const creator = await signedIn(creatorEmail);
    const mine = await playerLinks(creator, rec.id);
    expect(mine.status).toBe(200);
    expect((await creator.fetch(mine.play!)).status).toBe(200);

    const viewer = await signedIn(s.viewer.email);
    expect((await viewer.fetch(`/recordings/${rec.id}`)).status).toBe(404);
    // A link made for the creator, used by the viewer: refused (the link names its user).
    expect((await viewer.fetch(mine.play!)).status).toBe(403);
    // A link the viewer signs for themselves still needs the right to the recording (none: 404).
    const expires = Math.floor(Date.now() / 1000) + 60;
    const own = signGrant(process.env.AUTH_SECRET!, {
      resource: `recording:view:${rec.id}`,
      userId: s.viewer.id,
      expires,
    });
    expect((await viewer.fetch(`/api/recordings/${rec.id}/file?e=${expires}&s=${own}`)).status).toBe(404);

    const other = await paidSession();
    const otherCreator = await signedIn(
      (await db.user.findUniqueOrThrow({ where: { id: other.creator.user.id } })).email,
    );
    expect((await otherCreator.fetch(`/recordings/${rec.id}`)).status).toBe(404);
    expect((await creator.fetch(`/recordings/${rec.id}x`)).status).toBe(404);
  });

  it("a creator's studio lists their own sessions' recordings, linked to the player, and nobody else's", async () => {
    const { rec, creatorEmail, s } = await storedRecording();
    const gone = await db.recording.create({
      data: {
        roomSessionId: rec.roomSessionId,
        traceId: rec.traceId,
        egressId: `EG_${crypto.randomBytes(6).toString("hex")}`,
        status: "complete",
        storageKey: null,
        contentType: "audio/ogg",
        trackSid: "TR_gone",
        identity: s.viewer.id,
        source: "microphone",
        kind: "audio",
        durationMs: 40_000n,
        deletedAt: new Date(),
      },
    });
    const other = await storedRecording();
    const creator = await signedIn(creatorEmail);
    const res = await creator.fetch("/studio/recordings");
    expect(res.status).toBe(200);
    const html = await res.text();
    const items = html.match(/<li[^>]*data-testid="creator-recording"[\s\S]*?<\/li>/g) ?? [];
    expect(items).toHaveLength(2);
    const playable = items.find((i) => i.includes(`/recordings/${rec.id}`));
    expect(playable).toContain("camera of you");
    expect(playable).toContain("Watch");
    const deleted = items.find((i) => i.includes("Deleted after its retention period"));
    expect(deleted).toContain(`microphone of ${s.viewer.name}`);
    expect(deleted).not.toContain(`/recordings/${gone.id}`);
    expect(html).not.toContain(other.rec.id);
    // The booking page lists them for its creator; its viewer sees none (the operator has not let viewers watch).
    const bookingPage = await (await creator.fetch(`/bookings/${s.booking.id}`)).text();
    expect(bookingPage).toMatch(new RegExp(`data-testid="booking-recordings"[\\s\\S]*href="/recordings/${rec.id}"`));
    expect(bookingPage).toContain("deleted after its retention period");
    const viewerPage = await (await (await signedIn(s.viewer.email)).fetch(`/bookings/${s.booking.id}`)).text();
    expect(viewerPage).toContain(s.booking.id);
    expect(viewerPage).not.toContain('data-testid="booking-recordings"');
    // Only creators have a studio: the viewer is turned away.
    const viewer = await signedIn(s.viewer.email);
    expect((await viewer.fetch("/studio/recordings")).status).not.toBe(200);
  });

  it("a stop the creator took back (recording turned on again before it ran) stops nothing", async () => {
    const { rs, rec } = await storedRecording();
    await db.recording.update({ where: { id: rec.id }, data: { status: "active" } });
    const key = `recordings.stop:test:${rs.id}`;
    // Stopped, then on again: the stop effect runs after the new request (this room has no Egress to ask, so
    // a stop that went ahead would fail on the call).
    await db.roomSession.update({ where: { id: rs.id }, data: { recordingRequestedAt: new Date() } });
    await db.$transaction((tx) => enqueueEffect(tx, stopRecordings, { roomSessionId: rs.id }, { key }));
    await flushEffects();
    const effect = await db.outboxEffect.findUniqueOrThrow({ where: { dedupeKey: key } });
    expect(effect).toMatchObject({ status: "done", lastError: null });
    expect((await db.recording.findUniqueOrThrow({ where: { id: rec.id } })).status).toBe("active");
  });

  it("an altered or expired link is refused with 403", async () => {
    const { rec } = await storedRecording();
    const admin = await createUser({ role: "admin" });
    const c = await signedIn(admin.email);
    const { play } = await playerLinks(c, rec.id);
    const url = new URL(play!, "http://x");
    const sig = url.searchParams.get("s")!;
    const altered = `${url.pathname}?e=${url.searchParams.get("e")}&s=${sig.slice(0, -1)}${sig.endsWith("A") ? "B" : "A"}`;
    expect((await c.fetch(altered)).status).toBe(403);
    const longer = `${url.pathname}?e=${Number(url.searchParams.get("e")) + 3600}&s=${sig}`;
    expect((await c.fetch(longer)).status).toBe(403);
    const past = Math.floor(Date.now() / 1000) - 1;
    const expired = signGrant(process.env.AUTH_SECRET!, {
      resource: `recording:view:${rec.id}`,
      userId: admin.id,
      expires: past,
    });
    const res = await c.fetch(`${url.pathname}?e=${past}&s=${expired}`);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(/expired/);
    // A view link does not download.
    expect((await c.fetch(`${play}&download=1`)).status).toBe(403);
  });

  it("lists recordings for admins with filters, and links a report to its second in the recording", async () => {
    const { s, rs, rec } = await storedRecording();
    await db.report.create({
      data: {
        reporterId: s.viewer.id,
        subjectUserId: s.creator.user.id,
        roomSessionId: rs.id,
        reason: "harassment",
        context: "room",
        offsetSeconds: 40,
      },
    });
    const admin = await createUser({ role: "admin" });
    const c = await signedIn(admin.email);
    const html = await (await c.fetch("/admin/recordings?reported=1&status=complete")).text();
    // The room started 120 s ago and the recording 10 s later: 40 s into the room is 30 s into the file.
    expect(html).toContain(`/recordings/${rec.id}?t=30`);
    const noneRes = await c.fetch("/admin/recordings?creator=nobody-by-this-name");
    expect(noneRes.status).toBe(200);
    const none = await noneRes.text();
    expect(none).toContain("Recordings");
    expect(none).not.toContain(rec.id);
  });
});

describe("starting a recording on request", () => {
  it("is the session's creator's alone, and only for an offering that records on request", async () => {
    const { s, creatorEmail } = await storedRecording();
    const viewer = await signedIn(s.viewer.email);
    const res = await viewer.json(`/api/sessions/${s.booking.id}/recording`, "POST", { on: true });
    expect(res.status).toBe(404);
    const creator = await signedIn(creatorEmail);
    const always = await creator.json(`/api/sessions/${s.booking.id}/recording`, "POST", { on: true });
    expect(always.status).toBe(409);
    expect(((await always.json()) as { error: string }).error).toBe("This session is always recorded.");
    expect((await creator.json(`/api/sessions/${s.booking.id}/recording`, "POST", { on: "yes" })).status).toBe(422);
    expect(await db.traceEvent.count({ where: { traceId: s.booking.traceId, type: "recording.requested" } })).toBe(0);
  });
});

describe("retention", () => {
  it("deletes exactly the expired files, keeping those linked to an open report or a dispute", async () => {
    const past = new Date(Date.now() - 60_000);
    const expired = await storedRecording({ retainUntil: past });
    const kept = await storedRecording({ retainUntil: new Date(Date.now() + 3_600_000) });
    const forever = await storedRecording({ retainUntil: null });
    const reported = await storedRecording({ retainUntil: past });
    await db.report.create({
      data: {
        reporterId: reported.s.viewer.id,
        subjectUserId: reported.s.creator.user.id,
        roomSessionId: reported.rs.id,
        reason: "harassment",
      },
    });
    const disputed = await storedRecording({ retainUntil: past });
    await db.payment.update({ where: { id: disputed.s.payment.id }, data: { status: "disputed" } });

    // The app's own sweeper runs the same every 30 s: what counts is what is left, not who deleted it.
    await sweepExpiredRecordings();
    expect(await storage().stat(expired.key)).toBeNull();
    for (const x of [kept, forever, reported, disputed]) expect(await storage().stat(x.key)).not.toBeNull();
    expect((await db.recording.findUniqueOrThrow({ where: { id: expired.rec.id } })).deletedAt).not.toBeNull();

    // The report resolved: the next sweep takes it.
    await db.report.updateMany({ where: { roomSessionId: reported.rs.id }, data: { status: "dismissed" } });
    await sweepExpiredRecordings();
    expect((await db.recording.findUniqueOrThrow({ where: { id: reported.rec.id } })).deletedAt).not.toBeNull();
    expect(await storage().stat(reported.key)).toBeNull();
    // A deleted recording's page says so and offers no link.
    const admin = await createUser({ role: "admin" });
    const c = await signedIn(admin.email);
    const html = await (await c.fetch(`/recordings/${expired.rec.id}`)).text();
    expect(html).toContain("deleted when its retention period ended");
    expect(html).not.toContain("/file?");
  });
});

describe("egress webhooks", () => {
  it("a failed egress goes on the trace once, as recording.failed with its error, redelivered too", async () => {
    const s = await paidSession({ recordingPolicy: "always" });
    const egressId = `EG_${crypto.randomBytes(6).toString("hex")}`;
    const roomName = `booth-${s.booking.id}`;
    const now = BigInt(Date.now()) * 1_000_000n;
    const post = async (event: Record<string, unknown>) => {
      const { body, authorization } = await signedLivekitWebhook(event);
      const res = await fetch(`${process.env.BOOTH_BASE_URL}/api/livekit/webhook`, {
        method: "POST",
        headers: { authorization, "content-type": "application/webhook+json" },
        body,
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { result: string };
    };
    const started = {
      id: `EV_${crypto.randomBytes(6).toString("hex")}`,
      event: "egress_started",
      egressInfo: { egressId, roomName, status: "EGRESS_STARTING", startedAt: String(now), track: { trackId: "TR_x" } },
    };
    expect(await post(started)).toMatchObject({ result: "processed" });
    const ended = {
      id: `EV_${crypto.randomBytes(6).toString("hex")}`,
      event: "egress_ended",
      egressInfo: {
        egressId,
        roomName,
        status: "EGRESS_FAILED",
        error: "pipeline stopped: CPU exhausted",
        startedAt: String(now),
        endedAt: String(now + 5_000_000_000n),
      },
    };
    expect(await post(ended)).toMatchObject({ result: "processed" });
    expect(await post(ended)).toMatchObject({ result: "duplicate" });
    expect(await post(started)).toMatchObject({ result: "duplicate" });
    const trace = await db.traceEvent.findMany({
      where: { traceId: s.booking.traceId, type: { startsWith: "recording." } },
      orderBy: { id: "asc" },
    });
    expect(trace.map((e) => e.type)).toEqual(["recording.started", "recording.failed"]);
    expect(trace[1]!.payload).toMatchObject({ egressId, error: "pipeline stopped: CPU exhausted" });
    const row = await db.recording.findUniqueOrThrow({ where: { egressId } });
    expect(row).toMatchObject({ status: "failed", trackSid: "TR_x", error: "pipeline stopped: CPU exhausted" });
  });
});
