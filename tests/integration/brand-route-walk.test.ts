/**
 * Brand isolation, walked over the route table (issue #13): every page and route under app/ that takes a
 * record in its path is listed below with a record of another brand to ask for, and a test fails when a
 * file under app/ is neither listed nor exempted with its reason, so a new route cannot be forgotten.
 *
 * The records belong to the default brand; the asker is an account of a brand made here (its admin,
 * signed in on the brand's own host, HttpClient.onHost), who must get 404 for every one of them, and
 * whose listing pages must never show them. A platform admin (an admin of the default brand) gets the same
 * pages (not 404), so the records and paths are real and a 404 means isolation, not a typo. Against the
 * suite's `next start` and PostgreSQL; nothing is mocked.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { signedRecordingUrl } from "@/lib/recordings/access";
import { documentLink } from "@/lib/verification/service";
import { ensureRoomSession, ensureShowRoomSession } from "@/lib/sessions/service";
import { DEMO_PASSWORD } from "../../prisma/seed";
import { createUser, TEST_PASSWORD } from "../helpers/factories";
import { HttpClient } from "../helpers/http";
import { paidSession } from "../helpers/sessions";
import { paidTicket, scheduledShow } from "../helpers/shows";

type Fixture = Awaited<ReturnType<typeof makeOtherBrandRecords>>;
type Case = { method: string; path: (f: Fixture) => string; body?: (f: Fixture) => unknown };

/** Every route file with a record in its path: what brand A asks for (brand B's record). */
const cases: Record<string, Case[]> = {
  "app/admin/sessions/[id]/page.tsx": [{ method: "GET", path: (f) => `/admin/sessions/${f.bookingId}` }],
  "app/admin/shows/[id]/page.tsx": [{ method: "GET", path: (f) => `/admin/shows/${f.eventId}` }],
  "app/admin/tickets/[id]/page.tsx": [{ method: "GET", path: (f) => `/admin/tickets/${f.ticketId}` }],
  "app/book/[offeringId]/page.tsx": [{ method: "GET", path: (f) => `/book/${f.offeringId}` }],
  "app/bookings/[id]/page.tsx": [{ method: "GET", path: (f) => `/bookings/${f.bookingId}` }],
  "app/bookings/[id]/calendar/route.ts": [{ method: "GET", path: (f) => `/bookings/${f.bookingId}/calendar` }],
  "app/creators/[slug]/page.tsx": [{ method: "GET", path: (f) => `/creators/${f.creatorSlug}` }],
  "app/recordings/[id]/page.tsx": [{ method: "GET", path: (f) => `/recordings/${f.recordingId}` }],
  "app/sessions/[id]/page.tsx": [{ method: "GET", path: (f) => `/sessions/${f.bookingId}` }],
  "app/shows/[id]/page.tsx": [{ method: "GET", path: (f) => `/shows/${f.eventId}` }],
  "app/shows/[id]/room/page.tsx": [{ method: "GET", path: (f) => `/shows/${f.eventId}/room` }],
  "app/tips/[id]/page.tsx": [{ method: "GET", path: (f) => `/tips/${f.tipId}` }],
  "app/checkout/test/[sessionId]/page.tsx": [{ method: "GET", path: (f) => `/checkout/test/${f.checkoutSessionId}` }],
  "app/dev/outbox/[id]/page.tsx": [{ method: "GET", path: (f) => `/dev/outbox/${f.emailId}` }],
  "app/dev/outbox/[id]/eml/route.ts": [{ method: "GET", path: (f) => `/dev/outbox/${f.emailId}/eml` }],
  "app/dev/outbox/[id]/ics/route.ts": [{ method: "GET", path: (f) => `/dev/outbox/${f.emailId}/ics` }],
  "app/api/admin/bookings/[id]/refunds/route.ts": [
    {
      method: "POST",
      path: (f) => `/api/admin/bookings/${f.bookingId}/refunds`,
      body: () => ({ amountCents: 100, reason: "walk" }),
    },
  ],
  "app/api/admin/users/[id]/route.ts": [
    {
      method: "PATCH",
      path: (f) => `/api/admin/users/${f.viewerId}`,
      body: () => ({ status: "suspended", reason: "walk" }),
    },
  ],
  "app/api/admin/verifications/[id]/[which]/route.ts": [
    // A link signed for the asker (an unsigned one is refused before any lookup, 403): the record is what fails.
    { method: "GET", path: (f) => documentLink(walker, f.verificationId, "document") },
  ],
  "app/api/bookings/[id]/route.ts": [{ method: "GET", path: (f) => `/api/bookings/${f.bookingId}` }],
  "app/api/bookings/[id]/cancel/route.ts": [
    { method: "POST", path: (f) => `/api/bookings/${f.bookingId}/cancel`, body: () => ({ reason: "walk" }) },
  ],
  "app/api/bookings/[id]/reschedule/route.ts": [
    { method: "POST", path: (f) => `/api/bookings/${f.bookingId}/reschedule`, body: () => ({ startsAt: f_future() }) },
  ],
  "app/api/offerings/[id]/slots/route.ts": [{ method: "GET", path: (f) => `/api/offerings/${f.offeringId}/slots` }],
  "app/api/recordings/[id]/file/route.ts": [
    { method: "GET", path: (f) => signedRecordingUrl(walker, f.recordingId, "view") },
  ],
  "app/api/sessions/[id]/diagnostics/route.ts": [
    {
      method: "POST",
      path: (f) => `/api/sessions/${f.bookingId}/diagnostics`,
      body: () => ({ batchId: "walk-1", events: [] }),
    },
  ],
  "app/api/sessions/[id]/recording/route.ts": [
    { method: "POST", path: (f) => `/api/sessions/${f.bookingId}/recording`, body: () => ({ on: true }) },
  ],
  "app/api/sessions/[id]/token/route.ts": [
    { method: "POST", path: (f) => `/api/sessions/${f.bookingId}/token`, body: () => ({}) },
  ],
  "app/api/shows/[id]/cancel/route.ts": [
    { method: "POST", path: (f) => `/api/shows/${f.eventId}/cancel`, body: () => ({ reason: "walk" }) },
  ],
  "app/api/shows/[id]/chat/route.ts": [
    { method: "GET", path: (f) => `/api/shows/${f.eventId}/chat` },
    { method: "POST", path: (f) => `/api/shows/${f.eventId}/chat`, body: () => ({ body: "hello from another brand" }) },
  ],
  "app/api/shows/[id]/chat/[messageId]/route.ts": [
    { method: "DELETE", path: (f) => `/api/shows/${f.eventId}/chat/${f.chatMessageId}` },
  ],
  "app/api/shows/[id]/diagnostics/route.ts": [
    {
      method: "POST",
      path: (f) => `/api/shows/${f.eventId}/diagnostics`,
      body: () => ({ batchId: "walk-2", events: [] }),
    },
  ],
  "app/api/shows/[id]/moderation/[action]/route.ts": [
    {
      method: "POST",
      path: (f) => `/api/shows/${f.eventId}/moderation/mute`,
      body: (f) => ({ userId: f.viewerId, source: "microphone" }),
    },
  ],
  "app/api/shows/[id]/stage/route.ts": [
    { method: "POST", path: (f) => `/api/shows/${f.eventId}/stage`, body: () => ({}) },
  ],
  "app/api/shows/[id]/stage/[requestId]/[action]/route.ts": [
    { method: "POST", path: (f) => `/api/shows/${f.eventId}/stage/${f.stageRequestId}/invite` },
  ],
  "app/api/shows/[id]/tickets/route.ts": [
    { method: "POST", path: (f) => `/api/shows/${f.eventId}/tickets`, body: () => ({}) },
  ],
  "app/api/shows/[id]/token/route.ts": [
    { method: "POST", path: (f) => `/api/shows/${f.eventId}/token`, body: () => ({}) },
  ],
  "app/api/tickets/[id]/cancel/route.ts": [
    { method: "POST", path: (f) => `/api/tickets/${f.ticketId}/cancel`, body: () => ({}) },
  ],
};

/** Files with a path parameter that names no brand's record, and why. */
const exempt: Record<string, string> = {
  "app/api/auth/[...nextauth]/route.ts": "next-auth's own endpoints (sign-in is per brand: lib/auth/service.ts)",
  "app/brand-assets/[file]/route.ts": "content-addressed images (a hash names them); no record behind them",
  "app/legal/[doc]/page.tsx": "the request's brand's own terms or privacy text",
};

/** Listing pages the brand-A admin opens: brand B's people and records must not be on them. */
const listings = [
  "/admin",
  "/admin/sessions",
  "/admin/reports",
  "/admin/verifications",
  "/admin/recordings",
  "/admin/audit",
  "/admin/metrics",
  "/admin/reconciliation",
  "/creators",
  "/",
  "/dev/outbox",
];

function f_future() {
  return new Date(Date.now() + 3 * 86_400_000).toISOString();
}

/** Every page.tsx and route.ts under app/ whose path holds a [parameter]. */
function dynamicRouteFiles(dir = "app"): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...dynamicRouteFiles(p));
    else if (/^(page\.tsx|route\.ts)$/.test(e.name) && p.includes("[")) out.push(p.split(path.sep).join("/"));
  }
  return out.sort();
}

/** A suffix unique to this run, in the names of brand B's people (to look for on listing pages). */
const mark = `Zq${Date.now().toString(36)}`;

/** Brand B's records (the default brand's): a paid session with its room and recording, a show with a ticket, chat and a raised hand, a tip, a report, a verification, an email. */
async function makeOtherBrandRecords() {
  const s = await paidSession({ startsInMinutes: 60 * 24 });
  const room = await ensureRoomSession(s.booking);
  const recording = await db.recording.create({
    data: {
      roomSessionId: room.id,
      egressId: `EG_walk_${mark}`,
      status: "complete",
      storageKey: `recordings/walk-${mark}.mp4`,
    },
  });
  const show = await scheduledShow({ startsInMinutes: 24 * 60 });
  const showViewer = await createUser({ name: `${mark} Ticketholder` });
  const { ticketId } = await paidTicket(showViewer, show.event.id);
  const showRoom = await ensureShowRoomSession(show.event);
  const chat = await db.chatMessage.create({
    data: { roomSessionId: showRoom.id, userId: showViewer.id, body: `${mark} says hello` },
  });
  const stage = await db.stageRequest.create({ data: { roomSessionId: showRoom.id, userId: showViewer.id } });
  const tip = await db.tip.create({
    data: {
      fromUserId: s.viewer.id,
      creatorId: s.creator.profile.id,
      amountCents: 500,
      currency: "EUR",
      message: mark,
    },
  });
  await db.user.update({ where: { id: s.viewer.id }, data: { name: `${mark} Viewer` } });
  await db.creatorProfile.update({ where: { id: s.creator.profile.id }, data: { displayName: `${mark} Creator` } });
  await db.report.create({
    data: {
      reporterId: s.viewer.id,
      subjectUserId: s.creator.user.id,
      context: "profile",
      reason: "scam",
      details: `${mark} report`,
    },
  });
  const verification = await db.creatorVerification.create({
    data: {
      userId: s.creator.user.id,
      documentKey: `verification/walk-${mark}-doc.jpg`,
      selfieKey: `verification/walk-${mark}-selfie.jpg`,
    },
  });
  const email = await db.emailMessage.create({
    data: {
      dedupeKey: `walk-${mark}`,
      brandId: "default",
      toAddress: "walk@example.test",
      subject: `${mark} mail`,
      textBody: "x",
    },
  });
  const creatorSlug = (await db.creatorProfile.findUniqueOrThrow({ where: { id: s.creator.profile.id } })).slug;
  return {
    bookingId: s.booking.id,
    offeringId: s.offering.id,
    viewerId: s.viewer.id,
    creatorSlug,
    checkoutSessionId: s.payment.stripeCheckoutSessionId!,
    recordingId: recording.id,
    eventId: show.event.id,
    ticketId,
    chatMessageId: chat.id,
    stageRequestId: stage.id,
    tipId: tip.id,
    verificationId: verification.id,
    emailId: email.id,
  };
}

let fixture: Fixture;
/** The asker: the made brand's admin. */
let walker: Actor;
let brandAdmin: HttpClient;
let platformAdmin: HttpClient;

beforeAll(async () => {
  fixture = await makeOtherBrandRecords();
  const id = `walk-${mark.toLowerCase()}`;
  const host = `${id}.example.test`;
  await db.brand.create({
    data: {
      id,
      slug: id,
      url: `http://${host}`,
      domains: { create: { host } },
      settings: { create: { name: "Walk Brand" } },
    },
  });
  const admin = await createUser({ role: "admin", brandId: id });
  walker = admin;
  brandAdmin = HttpClient.onHost(host);
  await brandAdmin.signIn(admin.email, TEST_PASSWORD);
  platformAdmin = new HttpClient();
  await platformAdmin.signIn("admin@booth.test", DEMO_PASSWORD);
}, 120_000);

describe("brand isolation over the route table", () => {
  it("lists or exempts every page and route with a record in its path", () => {
    const files = dynamicRouteFiles();
    const missing = files.filter((f) => !(f in cases) && !(f in exempt));
    expect(missing, `add these to the walk (or exempt them with a reason): ${missing.join(", ")}`).toEqual([]);
    const stale = Object.keys(cases).filter((f) => !files.includes(f));
    expect(stale).toEqual([]);
  });

  it("the brand's admin is signed in on its own host, and the platform admin on the default one", () => {
    expect(brandAdmin.hasSession()).toBe(true);
    expect(platformAdmin.hasSession()).toBe(true);
  });

  it("answers 404 to another brand's admin for every record of the brand, by page and by route", async () => {
    const answers: string[] = [];
    for (const [file, list] of Object.entries(cases)) {
      for (const c of list) {
        const res = await brandAdmin.fetch(c.path(fixture), {
          method: c.method,
          ...(c.body === undefined
            ? {}
            : { body: JSON.stringify(c.body(fixture)), headers: { "content-type": "application/json" } }),
        });
        if (res.status !== 404) answers.push(`${c.method} ${file}: ${res.status} ${(await res.text()).slice(0, 160)}`);
      }
    }
    expect(answers, answers.join("\n")).toEqual([]);
  });

  it("shows the same records to a platform admin (the paths are real: a 404 above is isolation)", async () => {
    for (const p of [
      `/admin/sessions/${fixture.bookingId}`,
      `/admin/shows/${fixture.eventId}`,
      `/admin/tickets/${fixture.ticketId}`,
      `/bookings/${fixture.bookingId}`,
      `/recordings/${fixture.recordingId}`,
      `/shows/${fixture.eventId}`,
      `/creators/${fixture.creatorSlug}`,
      `/dev/outbox/${fixture.emailId}`,
    ]) {
      const res = await platformAdmin.fetch(p);
      expect(res.status, p).toBe(200);
    }
  });

  it("never lists another brand's people or records on the brand admin's listing pages", async () => {
    const leaks: string[] = [];
    for (const p of listings) {
      const res = await brandAdmin.fetch(p);
      const html = await res.text();
      if (res.status >= 500) leaks.push(`${p}: ${res.status}`);
      if (html.includes(mark)) leaks.push(`${p} shows ${mark}`);
    }
    expect(leaks, leaks.join("\n")).toEqual([]);
    // The platform admin's session list does show them (the marker is findable where it is listed).
    expect(await (await platformAdmin.fetch("/admin/reports")).text()).toContain(mark);
  });
});
