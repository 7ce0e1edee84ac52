import { describe, expect, it } from "vitest";
import { listAudit } from "@/lib/audit/queries";
import { setUserStatus } from "@/lib/users/service";
import { db } from "@/lib/db";
import type { AppError } from "@/lib/errors";
import { getReportQueue } from "@/lib/moderation/queries";
import { fileReport, handleReport } from "@/lib/moderation/reports";
import { readTrace } from "@/lib/trace/service";
import { TEST_PASSWORD, createCreator, createUser } from "../helpers/factories";
import { HttpClient, callServerAction } from "../helpers/http";
import { paidSession } from "../helpers/sessions";
import { scheduledShow } from "../helpers/shows";
import { banFromCreator } from "@/lib/shows/moderation";

// Reports, the moderation queue and the audit log: who may report whom, what each admin action does
// (a moderation row, a trace event, an audit row, the emails), and that the audit log is append-only.

let n = 0;
const ip = () => `198.18.${120 + Math.floor(n / 250)}.${(n++ % 250) + 1}`;

async function signedIn(user: { email: string }) {
  const c = new HttpClient();
  await c.signIn(user.email, TEST_PASSWORD, ip());
  expect(c.hasSession()).toBe(true);
  return c;
}

/** A confirmed session whose room started `minutesAgo` minutes ago. */
async function liveSession(minutesAgo = 5) {
  const s = await paidSession({ startsInMinutes: -minutesAgo, durationMinutes: 30 });
  const room = await db.roomSession.create({
    data: {
      bookingId: s.booking.id,
      traceId: s.booking.traceId,
      roomName: `booth-${s.booking.id}`,
      status: "active",
      startedAt: new Date(Date.now() - minutesAgo * 60_000),
    },
    select: { id: true, roomName: true },
  });
  return { ...s, room };
}

const reportError = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: AppError) => ({ status: e.status, message: e.message }),
  );

describe("filing a report", () => {
  it("from the room: the viewer reports the creator, with the trace id and the offset into the session", async () => {
    const s = await liveSession(5);
    const { id } = await fileReport(s.viewer, {
      context: "room",
      bookingId: s.booking.id,
      reason: "harassment",
      details: "Kept insulting me.",
    });
    const r = await db.report.findUniqueOrThrow({ where: { id } });
    expect(r).toMatchObject({
      reporterId: s.viewer.id,
      subjectUserId: s.creator.user.id,
      context: "room",
      bookingId: s.booking.id,
      roomSessionId: s.room.id,
      traceId: s.booking.traceId,
      status: "open",
    });
    expect(r.offsetSeconds).toBeGreaterThanOrEqual(299);
    expect(r.offsetSeconds).toBeLessThan(330);
    const trace = await readTrace(s.booking.traceId);
    expect(trace.some((e) => e.type === "report.filed")).toBe(true);
  });

  it("the creator reports the viewer from the booking page (no offset); over HTTP from the room as JSON", async () => {
    const s = await liveSession(2);
    const { id } = await fileReport(s.creator.user, { context: "booking", bookingId: s.booking.id, reason: "no_show" });
    expect(await db.report.findUniqueOrThrow({ where: { id } })).toMatchObject({
      subjectUserId: s.viewer.id,
      offsetSeconds: null,
      roomSessionId: null,
    });
    const viewer = await signedIn(s.viewer);
    const res = await viewer.json("/api/reports", "POST", {
      context: "room",
      bookingId: s.booking.id,
      reason: "other",
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { message: string }).message).toMatch(/we'll email you the outcome/);
    const bad = await viewer.json("/api/reports", "POST", { context: "room", bookingId: s.booking.id, reason: "rude" });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain("Choose what the report is about");
  });

  it("refuses strangers to a booking (404, as for no booking), reporting yourself, and unknown creators", async () => {
    const s = await liveSession(2);
    const stranger = await createUser();
    expect(
      await reportError(fileReport(stranger, { context: "booking", bookingId: s.booking.id, reason: "other" })),
    ).toEqual({
      status: 404,
      message: "No such booking.",
    });
    const c = await createCreator();
    expect(
      await reportError(fileReport(c.user, { context: "profile", creatorSlug: c.profile.slug, reason: "other" })),
    ).toEqual({
      status: 422,
      message: "You can't report yourself.",
    });
    expect(
      (await reportError(fileReport(stranger, { context: "profile", creatorSlug: "no-such-creator", reason: "other" })))
        ?.status,
    ).toBe(404);
  });

  it("from a profile (a form), limited to 10 an hour", async () => {
    const c = await createCreator();
    const viewer = await createUser();
    const client = await signedIn(viewer);
    const res = await callServerAction(
      client,
      "lib/moderation/actions.ts",
      "fileReportAction",
      { context: "profile", creatorSlug: c.profile.slug, reason: "scam", details: "Asked me to pay by bank transfer." },
      `/creators/${c.profile.slug}`,
    );
    expect(res.text).toMatch(/Thank you/);
    for (let i = 0; i < 9; i++)
      await fileReport(viewer, { context: "profile", creatorSlug: c.profile.slug, reason: "other" });
    const err = await reportError(
      fileReport(viewer, { context: "profile", creatorSlug: c.profile.slug, reason: "other" }),
    );
    expect(err?.status).toBe(429);
    expect(await db.report.count({ where: { reporterId: viewer.id } })).toBe(10);
  });
});

describe("the moderation queue", () => {
  it("only admins read the queue and handle reports; a viewer is refused, over HTTP too", async () => {
    const s = await liveSession(2);
    const { id } = await fileReport(s.viewer, { context: "booking", bookingId: s.booking.id, reason: "other" });
    expect(await reportError(getReportQueue(s.viewer))).toMatchObject({ status: 403 });
    expect(
      await reportError(handleReport(s.viewer, { reportId: id, action: "dismiss", note: "nothing" })),
    ).toMatchObject({
      status: 403,
    });
    const viewer = await signedIn(s.viewer);
    expect((await viewer.fetch("/admin/reports")).status).toBe(403);
    expect((await viewer.fetch("/admin/audit")).status).toBe(403);
    expect((await viewer.fetch("/admin/audit/export")).status).toBe(403);
    const admin = await signedIn(await createUser({ role: "admin" }));
    const page = await admin.fetch("/admin/reports");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`/admin/sessions/${s.booking.id}`);
  });

  it("lists the most-reported person first, with both sides' history", async () => {
    const admin = await createUser({ role: "admin" });
    const once = await createCreator();
    const twice = await createCreator();
    const v1 = await createUser();
    const v2 = await createUser();
    await fileReport(v1, { context: "profile", creatorSlug: once.profile.slug, reason: "other" });
    await fileReport(v1, { context: "profile", creatorSlug: twice.profile.slug, reason: "other" });
    await fileReport(v2, { context: "profile", creatorSlug: twice.profile.slug, reason: "scam" });
    const q = await getReportQueue(admin);
    const mine = q.open.filter((r) => [once.user.id, twice.user.id].includes(r.subject.id));
    expect(mine.map((r) => r.subject.id)).toEqual([twice.user.id, twice.user.id, once.user.id]);
    expect(mine[0]!.subjectHistory.openReports).toBe(2);
    expect(mine.find((r) => r.reporter.id === v1.id)!.reporterHistory.reportsFiled).toBe(2);
  });
});

describe("handling a report", () => {
  async function reported(reason = "harassment") {
    const s = await liveSession(5);
    const { id } = await fileReport(s.viewer, { context: "room", bookingId: s.booking.id, reason });
    return { s, id, admin: await createUser({ role: "admin" }) };
  }
  const outcomeMail = (email: string) =>
    db.emailMessage.findFirst({ where: { toAddress: email, subject: { startsWith: "Your report about" } } });

  it("dismiss: a moderation row, a trace event, an audit row and the outcome email; a second handling is a 409", async () => {
    const { s, id, admin } = await reported();
    expect(
      await handleReport(admin, { reportId: id, action: "dismiss", note: "Checked the session: no breach." }),
    ).toEqual({
      status: "dismissed",
    });
    expect(await db.report.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "dismissed",
      resolvedById: admin.id,
      resolution: "Checked the session: no breach.",
    });
    expect(await db.moderationAction.count({ where: { reportId: id, type: "dismiss_report" } })).toBe(1);
    const trace = await readTrace(s.booking.traceId);
    expect(trace.filter((e) => e.type === "moderation.action")).toHaveLength(1);
    const audit = await listAudit(admin, { subject: id });
    expect(audit.map((a) => a.action)).toEqual(["report.dismissed"]);
    expect(audit[0]!.actorEmail).toBe(admin.email);
    const mail = await outcomeMail(s.viewer.email);
    expect(mail?.textBody).toMatch(/found nothing that breaks our terms/);
    expect(mail?.textBody).not.toContain("Checked the session");
    expect(await reportError(handleReport(admin, { reportId: id, action: "warn", note: "again" }))).toMatchObject({
      status: 409,
    });
  });

  it("warn: the reported person gets the admin's note by email", async () => {
    const { s, id, admin } = await reported();
    await handleReport(admin, { reportId: id, action: "warn", note: "Keep it respectful." });
    const warning = await db.emailMessage.findFirstOrThrow({ where: { toAddress: s.creator.user.email } });
    expect(warning.subject).toMatch(/^A warning from /);
    expect(warning.textBody).toContain("“Keep it respectful.”");
    expect((await outcomeMail(s.viewer.email))?.textBody).toMatch(/was warned/);
    expect((await listAudit(admin, { subject: s.creator.user.email })).map((a) => a.action).sort()).toEqual([
      "report.actioned",
      "user.warned",
    ]);
  });

  it("suspend: the account is suspended, its sessions end, and the rows say it came from the report", async () => {
    const { s, id, admin } = await reported();
    const creatorClient = await signedIn(s.creator.user);
    await handleReport(admin, { reportId: id, action: "suspend", note: "Threats in the room." });
    expect((await db.user.findUniqueOrThrow({ where: { id: s.creator.user.id } })).status).toBe("suspended");
    expect((await creatorClient.fetch("/api/auth/session").then((r) => r.json())) ?? null).toBeNull();
    expect(await db.moderationAction.count({ where: { reportId: id, type: "suspend" } })).toBe(1);
    expect((await listAudit(admin, { subject: s.creator.user.email })).map((a) => a.action).sort()).toEqual([
      "report.actioned",
      "user.suspended",
    ]);
  });

  it("remove from the room, unpublish, refund", async () => {
    const a = await reported();
    await handleReport(a.admin, { reportId: a.id, action: "remove_from_room", note: "Removed while live." });
    expect(
      await db.outboxEffect.count({ where: { type: "rooms.remove", dedupeKey: { contains: `report:${a.id}` } } }),
    ).toBe(1);

    const b = await reported();
    await handleReport(b.admin, { reportId: b.id, action: "unpublish", note: "Profile breaks the rules." });
    expect((await db.creatorProfile.findUniqueOrThrow({ where: { userId: b.s.creator.user.id } })).published).toBe(
      false,
    );

    const c = await reported("no_show");
    await handleReport(c.admin, { reportId: c.id, action: "refund", note: "Creator never showed." });
    const refund = await db.refund.findFirstOrThrow({ where: { paymentId: c.s.payment.id } });
    expect(refund.amountCents).toBe(c.s.payment.amountCents);
    expect((await listAudit(c.admin, { subject: c.s.viewer.email })).map((x) => x.action)).toContain(
      "payment.refunded",
    );
    expect((await outcomeMail(c.s.viewer.email))?.textBody).toMatch(/refunded in full/);

    // A refund needs a booking the reporter paid for.
    const d = await reported();
    const creatorReport = await fileReport(d.s.creator.user, {
      context: "booking",
      bookingId: d.s.booking.id,
      reason: "other",
    });
    expect(
      await reportError(
        handleReport(d.admin, { reportId: creatorReport.id, action: "refund", note: "Not for a creator's report." }),
      ),
    ).toMatchObject({ status: 422 });
  });

  it("a note is required and says so", async () => {
    const { id, admin } = await reported();
    const err = await handleReport(admin, { reportId: id, action: "dismiss", note: "" }).catch((e) => e);
    expect(err.issues[0].path).toEqual(["note"]);
  });
});

describe("the audit log", () => {
  it("records role changes and suspensions by other paths, filters by actor and action, and exports CSV to admins", async () => {
    const admin = await createUser({ role: "admin" });
    const target = await createUser({ name: "=HYPERLINK(evil)" });
    await setUserStatus(admin, { userId: target.id, status: "suspended", reason: "Spam" });
    const rows = await listAudit(admin, { actor: admin.email, action: "user.suspended" });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ subjectUserId: target.id, reason: "Spam", subjectEmail: target.email });
    const client = await signedIn(admin);
    const csv = await client.fetch(`/admin/audit/export?actor=${encodeURIComponent(admin.email)}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text.split("\r\n")[0]).toBe(
      '"id","at","actor_email","actor_id","action","subject_type","subject_id","subject_email","reason","details"',
    );
    expect(text).toContain('"user.suspended"');
    const bad = await client.fetch("/admin/audit/export?action=nope");
    expect(bad.status).toBe(422);
    expect((await client.fetch("/admin/audit?action=user.suspended")).status).toBe(200);
  });

  it("records in-room moderation by a show's creator (a ban) with its action", async () => {
    const { creator, event } = await scheduledShow();
    const viewer = await createUser();
    await banFromCreator(creator.user, event.id, { userId: viewer.id, reason: "Spamming the chat." });
    const admin = await createUser({ role: "admin" });
    const rows = await listAudit(admin, { subject: viewer.email });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: "room.moderated",
      actorEmail: creator.user.email,
      reason: "Spamming the chat.",
    });
    expect(rows[0]!.details).toMatchObject({ action: "ban_from_creator" });
  });

  it("is append-only: UPDATE and DELETE are refused by the database", async () => {
    const admin = await createUser({ role: "admin" });
    const target = await createUser();
    await setUserStatus(admin, { userId: target.id, status: "suspended", reason: "Spam" });
    await expect(
      db.$executeRaw`UPDATE audit_events SET reason = 'x' WHERE "subjectUserId" = ${target.id}`,
    ).rejects.toThrow(/append-only/);
    await expect(db.$executeRaw`DELETE FROM audit_events WHERE "subjectUserId" = ${target.id}`).rejects.toThrow(
      /append-only/,
    );
  });
});
