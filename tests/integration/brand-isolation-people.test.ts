import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/permissions";
import { decideApplication } from "@/lib/creators/applications";
import { listPendingApplications } from "@/lib/creators/queries";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getReportQueue } from "@/lib/moderation/queries";
import { fileReport, handleReport } from "@/lib/moderation/reports";
import { superviseRoom } from "@/lib/sessions/supervision";
import { listChat } from "@/lib/shows/chat";
import { deleteChatMessage, muteChatter, removeParticipant } from "@/lib/shows/moderation";
import { listUsers } from "@/lib/users/queries";
import { changeUserRole, setUserStatus, updateUser } from "@/lib/users/service";
import {
  decideVerification,
  documentLink,
  getVerificationQueue,
  openVerificationDocument,
} from "@/lib/verification/service";
import { TEST_PASSWORD, createCreator, createUser } from "../helpers/factories";
import { HttpClient } from "../helpers/http";
import { paidSession } from "../helpers/sessions";
import { scheduledShow } from "../helpers/shows";

// Issue #13, the admin's "people and trust" tools on one deployment serving several brands: a brand's admin
// sees and changes only their brand's users, reports, creator applications, identity checks, rooms and show
// rooms; another brand's record is, to them, one that does not exist. A platform admin (the default brand's)
// sees every brand. Two fresh brands per run (other files run beside this one on the same database).

const tag = `${process.pid}-${Date.now().toString(36)}`;
let seq = 0;

async function newBrand() {
  const id = `iso-${tag}-${seq++}`;
  await db.brand.create({ data: { id, slug: id } });
  return id;
}

/** Fixtures made by the usual helpers (in the default brand), moved into `brandId` with everything hanging off them. */
async function moveToBrand(brandId: string, ...userIds: string[]) {
  await db.user.updateMany({ where: { id: { in: userIds } }, data: { brandId } });
}

/** A published creator of `brandId`; the name carries this run's tag so a search finds exactly ours. */
async function creatorIn(brandId: string) {
  const c = await createCreator();
  await db.user.update({ where: { id: c.user.id }, data: { brandId, name: `Creator ${tag}` } });
  return { ...c, user: { ...c.user, brandId } };
}

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => (e instanceof AppError ? { status: e.status, message: e.message } : { status: "crash", e }),
  );

type World = { brandId: string; admin: Actor; viewer: Actor; creator: Awaited<ReturnType<typeof creatorIn>> };
let A: World;
let B: World;
let platform: Actor;

async function world(): Promise<World> {
  const brandId = await newBrand();
  const [admin, viewer, creator] = await Promise.all([
    createUser({ role: "admin", brandId, name: `Admin ${tag}` }),
    createUser({ brandId, name: `Viewer ${tag}` }),
    creatorIn(brandId),
  ]);
  return { brandId, admin, viewer, creator };
}

beforeAll(async () => {
  [A, B, platform] = await Promise.all([world(), world(), createUser({ role: "admin", name: `Platform ${tag}` })]);
});

describe("users: list, search, role and status", () => {
  it("a brand's admin lists and searches only their brand's accounts; a platform admin every brand's", async () => {
    const ids = (rows: { id: string }[]) => rows.map((u) => u.id);
    const mine = ids(await listUsers(A.admin, { q: tag }));
    expect(mine).toEqual(expect.arrayContaining([A.admin.id, A.viewer.id, A.creator.user.id]));
    expect(mine).not.toContain(B.viewer.id);
    expect(mine).not.toContain(B.admin.id);
    // Searching by another brand's address finds nobody.
    expect(await listUsers(A.admin, { q: B.viewer.email })).toEqual([]);
    expect(ids(await listUsers(A.admin, { q: A.viewer.email }))).toEqual([A.viewer.id]);
    expect(ids(await listUsers(platform, { q: tag }))).toEqual(
      expect.arrayContaining([A.viewer.id, B.viewer.id, A.admin.id, B.admin.id]),
    );
  });

  it("another brand's user is 'no such user' to role and status changes (nothing changes); their own brand's change", async () => {
    const target = await createUser({ brandId: B.brandId });
    const missing = { status: 404, message: "That user no longer exists." };
    expect(await errorOf(changeUserRole(A.admin, { userId: target.id, role: "admin" }))).toEqual(missing);
    expect(await errorOf(setUserStatus(A.admin, { userId: target.id, status: "suspended" }))).toEqual(missing);
    expect(await errorOf(updateUser(A.admin, target.id, { role: "creator", status: "suspended" }))).toEqual(missing);
    // Exactly as for an id that does not exist.
    expect(await errorOf(setUserStatus(A.admin, { userId: "no-such-user", status: "suspended" }))).toEqual(missing);
    expect(await db.user.findUniqueOrThrow({ where: { id: target.id }, select: { role: true, status: true } })).toEqual(
      { role: "viewer", status: "active" },
    );
    expect(await db.moderationAction.count({ where: { targetUserId: target.id } })).toBe(0);

    const own = await createUser({ brandId: A.brandId });
    expect(await setUserStatus(A.admin, { userId: own.id, status: "suspended", reason: "spam" })).toMatchObject({
      status: "suspended",
    });
    expect(await changeUserRole(A.admin, { userId: own.id, role: "creator" })).toMatchObject({ role: "creator" });
    // The platform admin changes any brand's account.
    expect(await updateUser(platform, target.id, { status: "suspended", reason: "spam" })).toMatchObject({
      status: "suspended",
    });
  });

  it("over HTTP on the brand's own host: PATCH /api/admin/users/:id of another brand's user is a 404", async () => {
    const host = `admin-${tag}-${seq++}.brands.test`;
    await db.brandDomain.create({ data: { host, brandId: A.brandId } });
    const admin = await createUser({ role: "admin", brandId: A.brandId });
    const http = HttpClient.onHost(host);
    await http.signIn(admin.email, TEST_PASSWORD, `198.18.230.${(seq % 250) + 1}`);
    expect(http.hasSession()).toBe(true);
    const [theirs, own] = await Promise.all([createUser({ brandId: B.brandId }), createUser({ brandId: A.brandId })]);
    const refused = await http.json(`/api/admin/users/${theirs.id}`, "PATCH", { status: "suspended" });
    expect(refused.status).toBe(404);
    expect((await db.user.findUniqueOrThrow({ where: { id: theirs.id } })).status).toBe("active");
    const done = await http.json(`/api/admin/users/${own.id}`, "PATCH", { status: "suspended" });
    expect(done.status, await done.clone().text()).toBe(200);
    expect((await db.user.findUniqueOrThrow({ where: { id: own.id } })).status).toBe("suspended");
  });
});

describe("reports: the queue and handling", () => {
  const report = (w: World) =>
    fileReport(w.viewer, { context: "profile", creatorSlug: w.creator.profile.slug, reason: "other" }).then(
      (r) => r.id,
    );

  it("a brand's admin sees and handles only their brand's reports; a platform admin every brand's", async () => {
    const [a, b] = await Promise.all([report(A), report(B)]);
    const ids = (q: Awaited<ReturnType<typeof getReportQueue>>) => [...q.open, ...q.handled].map((r) => r.id);
    const queueA = ids(await getReportQueue(A.admin));
    expect(queueA).toContain(a);
    expect(queueA).not.toContain(b);
    expect(ids(await getReportQueue(platform))).toEqual(expect.arrayContaining([a, b]));

    const missing = { status: 404, message: "No such report." };
    expect(await errorOf(handleReport(A.admin, { reportId: b, action: "suspend", note: "Not yours." }))).toEqual(
      missing,
    );
    expect(
      await errorOf(handleReport(A.admin, { reportId: "no-such-report", action: "dismiss", note: "x x" })),
    ).toEqual(missing);
    expect(await db.report.findUniqueOrThrow({ where: { id: b }, select: { status: true } })).toEqual({
      status: "open",
    });
    expect((await db.user.findUniqueOrThrow({ where: { id: B.creator.user.id } })).status).toBe("active");

    expect(await handleReport(A.admin, { reportId: a, action: "dismiss", note: "No breach." })).toEqual({
      status: "dismissed",
    });
    // Handled, it stays out of the other brand's "recently handled" too.
    expect(ids(await getReportQueue(B.admin))).not.toContain(a);
    expect(await handleReport(platform, { reportId: b, action: "dismiss", note: "No breach." })).toEqual({
      status: "dismissed",
    });
  });

  it("a profile of another brand cannot be reported from this one, not even by an admin (unpublished)", async () => {
    const missing = { status: 404, message: "No such creator." };
    expect(
      await errorOf(fileReport(A.viewer, { context: "profile", creatorSlug: B.creator.profile.slug, reason: "scam" })),
    ).toEqual(missing);
    const hidden = await creatorIn(B.brandId);
    await db.creatorProfile.update({ where: { id: hidden.profile.id }, data: { published: false } });
    expect(
      await errorOf(fileReport(A.admin, { context: "profile", creatorSlug: hidden.profile.slug, reason: "scam" })),
    ).toEqual(missing);
    // Their own brand's admin still reports the unpublished profile.
    expect(
      await fileReport(B.admin, { context: "profile", creatorSlug: hidden.profile.slug, reason: "scam" }),
    ).toMatchObject({ id: expect.any(String) });
  });
});

describe("creator applications", () => {
  const apply = (w: World) =>
    createUser({ brandId: w.brandId }).then((u) =>
      db.creatorApplication.create({ data: { userId: u.id, displayName: `Applicant ${tag}`, pitch: "I draw." } }),
    );

  it("a brand's admin lists and decides only their brand's applications; a platform admin every brand's", async () => {
    const [a, b] = await Promise.all([apply(A), apply(B)]);
    const mine = (await listPendingApplications(A.admin)).map((x) => x.id);
    expect(mine).toContain(a.id);
    expect(mine).not.toContain(b.id);
    expect((await listPendingApplications(platform)).map((x) => x.id)).toEqual(expect.arrayContaining([a.id, b.id]));

    expect(await errorOf(decideApplication(A.admin, { applicationId: b.id, decision: "approve" }))).toEqual({
      status: 404,
      message: "That application no longer exists.",
    });
    expect(await db.creatorApplication.findUniqueOrThrow({ where: { id: b.id }, select: { status: true } })).toEqual({
      status: "pending",
    });
    expect((await db.user.findUniqueOrThrow({ where: { id: b.userId } })).role).toBe("viewer");

    expect(await decideApplication(A.admin, { applicationId: a.id, decision: "approve" })).toEqual({
      status: "approved",
    });
    expect(await decideApplication(platform, { applicationId: b.id, decision: "decline", note: "Not yet." })).toEqual({
      status: "declined",
    });
  });
});

describe("identity and age checks", () => {
  const check = (w: World) =>
    creatorIn(w.brandId).then((c) =>
      db.creatorVerification.create({
        data: {
          userId: c.user.id,
          documentKey: `verification/iso-${c.user.id}/document.jpg`,
          selfieKey: `verification/iso-${c.user.id}/selfie.jpg`,
        },
      }),
    );
  const linkOf = (admin: Actor, id: string) => {
    const url = new URL(documentLink(admin, id, "document"), "http://x");
    return { expires: url.searchParams.get("expires"), sig: url.searchParams.get("sig") };
  };

  it("a brand's admin reviews only their brand's checks (queue, documents, decisions); a platform admin every brand's", async () => {
    const [a, b] = await Promise.all([check(A), check(B)]);
    const ids = (q: Awaited<ReturnType<typeof getVerificationQueue>>) => [...q.pending, ...q.decided].map((r) => r.id);
    const mine = ids(await getVerificationQueue(A.admin));
    expect(mine).toContain(a.id);
    expect(mine).not.toContain(b.id);
    expect(ids(await getVerificationQueue(platform))).toEqual(expect.arrayContaining([a.id, b.id]));

    // Even with a link signed for them, another brand's documents are gone, as after the retention period.
    const gone = { status: 404, message: "This document was deleted after the retention period." };
    expect(await errorOf(openVerificationDocument(A.admin, b.id, "document", linkOf(A.admin, b.id)))).toEqual(gone);
    expect(await db.auditEvent.count({ where: { action: "verification.document_viewed", subjectId: b.id } })).toBe(0);
    expect(await openVerificationDocument(A.admin, a.id, "document", linkOf(A.admin, a.id))).toMatchObject({
      key: a.documentKey,
    });
    expect(await openVerificationDocument(platform, b.id, "document", linkOf(platform, b.id))).toMatchObject({
      key: b.documentKey,
    });

    expect(
      await errorOf(decideVerification(A.admin, { verificationId: b.id, decision: "approve", note: "Looks fine." })),
    ).toEqual({ status: 404, message: "No such verification." });
    expect(
      await decideVerification(A.admin, { verificationId: a.id, decision: "approve", note: "Looks fine." }),
    ).toMatch(/Approved/);
    expect(ids(await getVerificationQueue(B.admin))).not.toContain(a.id);
  });
});

describe("supervision", () => {
  /** A paid private session of `w`'s brand with its room open. */
  async function openRoom(w: World) {
    const s = await paidSession({ startsInMinutes: -5 });
    await moveToBrand(w.brandId, s.creator.user.id, s.viewer.id);
    await db.roomSession.create({
      data: {
        bookingId: s.booking.id,
        traceId: s.booking.traceId,
        roomName: `iso-${s.booking.id}`,
        status: "active",
        startedAt: new Date(),
      },
    });
    return s.booking.id;
  }

  it("a brand's admin watches only their brand's rooms (another brand's is 'not open', as no room); a platform admin any", async () => {
    const [a, b] = await Promise.all([openRoom(A), openRoom(B)]);
    const noRoom = await paidSession();
    const notOpen = await errorOf(superviseRoom(A.admin, { bookingId: noRoom.booking.id }));
    expect(notOpen).toMatchObject({ status: 409 });
    expect(await errorOf(superviseRoom(A.admin, { bookingId: b }))).toEqual(notOpen);
    expect(await db.auditEvent.count({ where: { action: "room.supervision_granted", subjectId: b } })).toBe(0);
    expect(await superviseRoom(A.admin, { bookingId: a })).toMatchObject({ roomName: `iso-${a}` });
    expect(await superviseRoom(platform, { bookingId: b })).toMatchObject({ roomName: `iso-${b}` });
  });
});

describe("a show's room: chat and moderation by admins", () => {
  /** A live show of `w`'s brand: its room open, a ticket holder who wrote a message. */
  async function liveShow(w: World) {
    const { creator, event } = await scheduledShow({ startsInMinutes: -5 });
    const viewer = await createUser({ brandId: w.brandId });
    await moveToBrand(w.brandId, creator.user.id);
    await db.groupEvent.update({ where: { id: event.id }, data: { status: "live" } });
    await db.ticket.create({ data: { eventId: event.id, viewerId: viewer.id, status: "paid" } });
    const rs = await db.roomSession.create({
      data: { traceId: event.traceId, groupEventId: event.id, roomName: `iso-show-${event.id}`, status: "active" },
    });
    const message = await db.chatMessage.create({
      data: { roomSessionId: rs.id, userId: viewer.id, body: "hello" },
    });
    return { eventId: event.id, viewer, message };
  }

  it("an admin of another brand is nobody in a show (no chat, no moderation); its own brand's admin and a platform admin are staff", async () => {
    const [a, b] = await Promise.all([liveShow(A), liveShow(B)]);
    // Another brand's show does not exist for them (lib/shows/live.ts showParty).
    expect(await errorOf(listChat(A.admin, b.eventId))).toMatchObject({ status: 404 });
    expect((await listChat(A.admin, a.eventId)).messages.map((m) => m.id)).toEqual([a.message.id]);
    expect((await listChat(platform, b.eventId)).messages.map((m) => m.id)).toEqual([b.message.id]);

    const missing = { status: 404, message: "No such show." };
    expect(await errorOf(muteChatter(A.admin, b.eventId, { userId: b.viewer.id }))).toEqual(missing);
    expect(await errorOf(removeParticipant(A.admin, b.eventId, { userId: b.viewer.id }))).toEqual(missing);
    expect(await errorOf(deleteChatMessage(A.admin, b.eventId, b.message.id))).toEqual(missing);
    expect(await db.chatMute.count({ where: { userId: b.viewer.id } })).toBe(0);
    expect(await db.chatMessage.findUniqueOrThrow({ where: { id: b.message.id } })).toMatchObject({ deletedAt: null });
    // In their own show, an account of another brand is no participant: nothing is written about it.
    const stranger = { status: 404, message: "No such participant in this show." };
    expect(await errorOf(muteChatter(A.admin, a.eventId, { userId: b.viewer.id }))).toEqual(stranger);
    expect(await errorOf(removeParticipant(A.admin, a.eventId, { userId: b.viewer.id }))).toEqual(stranger);
    expect(await db.moderationAction.count({ where: { targetUserId: b.viewer.id } })).toBe(0);

    await muteChatter(A.admin, a.eventId, { userId: a.viewer.id });
    expect(await db.chatMute.count({ where: { userId: a.viewer.id } })).toBe(1);
    await deleteChatMessage(platform, b.eventId, b.message.id);
    expect((await db.chatMessage.findUniqueOrThrow({ where: { id: b.message.id } })).deletedAt).not.toBeNull();
  });
});
