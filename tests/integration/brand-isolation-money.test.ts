import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/permissions";
import { getBookingForActor } from "@/lib/bookings/queries";
import { adminRefundBooking } from "@/lib/bookings/service";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getAdminMoneyOverview } from "@/lib/payments/queries";
import { dismissAlert, getReconciliationPage, resolveFinding } from "@/lib/payments/reconciliation";
import { getRecordingForActor, listBookingRecordings } from "@/lib/recordings/access";
import { listRecordings } from "@/lib/recordings/queries";
import { purchases } from "@/lib/runtime/purchases";
import { roomNameFor } from "@/lib/sessions/rules/token-policy";
import { getShowAdminPage, getShowPage, requireShowForStaff } from "@/lib/shows/queries";
import { cancelShow } from "@/lib/shows/service";
import { getSessionMetrics, getSessionStory, getTicketStory, searchSessions } from "@/lib/support/queries";
import { appendTrace } from "@/lib/trace/service";
import { createUser } from "../helpers/factories";

// Issue #13, the admin side of sessions, shows, recordings and money: a brand's admin sees and changes only
// their brand's records (another brand's look exactly like missing ones: a 404, never a row in a list or a
// figure), while a platform admin (an admin of the default brand) sees every brand and can pick one on the
// metrics page. Each brand's records are written straight to PostgreSQL, as the purchase paths leave them.

const statusOf = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: unknown) => (e instanceof AppError ? e.status : e),
  );

// trace_events is append-only and shared by every test: the metrics fixture lives on a day nobody else uses.
const METRICS_DAY = "2004-02-29";

/** A brand of its own with a creator, a viewer, a paid recorded booking, a show with a paid ticket, and a finding. */
async function brandWorld(label: string) {
  const tag = `${label}-${crypto.randomBytes(5).toString("hex")}`;
  const brand = await db.brand.create({ data: { id: `iso-${tag}`, slug: `iso-${tag}` } });
  const admin = await createUser({ role: "admin", brandId: brand.id });
  const creator = await createUser({ role: "creator", brandId: brand.id, email: `creator-${tag}@test.booth` });
  const viewer = await createUser({ brandId: brand.id, email: `viewer-${tag}@test.booth` });
  const profile = await db.creatorProfile.create({
    data: { userId: creator.id, slug: `c-${tag}`, displayName: `Creator ${label}`, timeZone: "UTC", published: true },
  });
  const offering = await db.offering.create({
    data: {
      creatorId: profile.id,
      kind: "private_session",
      title: `Review ${label}`,
      durationMinutes: 30,
      priceCents: 4000,
      currency: "EUR",
      minNoticeMinutes: 0,
      horizonDays: 30,
    },
  });
  const startsAt = new Date(Date.now() + 2 * 86_400_000);
  startsAt.setMilliseconds(0);
  const booking = await db.booking.create({
    data: {
      offeringId: offering.id,
      creatorId: profile.id,
      viewerId: viewer.id,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 30 * 60_000),
      status: "confirmed",
      priceCents: 4000,
      currency: "EUR",
    },
  });
  const payment = await db.payment.create({
    data: {
      traceId: booking.traceId,
      kind: "booking",
      bookingId: booking.id,
      payerId: viewer.id,
      amountCents: 4000,
      currency: "EUR",
      status: "paid",
      paidAt: new Date(),
      stripeCheckoutSessionId: `cs_test_${tag}`,
      stripePaymentIntentId: `pi_test_${tag}`,
      // On the admin overview's review list, which is the latest 50 of every brand's.
      reviewReason: `brand isolation ${tag}`,
    },
  });
  const room = await db.roomSession.create({
    data: { bookingId: booking.id, traceId: booking.traceId, roomName: roomNameFor(booking.id), status: "ended" },
  });
  const recording = await db.recording.create({
    data: {
      roomSessionId: room.id,
      egressId: `EG_${tag}`,
      traceId: booking.traceId,
      status: "complete",
      identity: creator.id,
      source: "camera",
    },
  });
  const showOffering = await db.offering.create({
    data: {
      creatorId: profile.id,
      kind: "group_room",
      title: `Show ${label}`,
      durationMinutes: 60,
      priceCents: 1500,
      currency: "EUR",
      capacity: 10,
    },
  });
  const newShow = (title: string) =>
    db.groupEvent.create({
      data: {
        offeringId: showOffering.id,
        creatorId: profile.id,
        title,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 3_600_000),
        capacity: 10,
        priceCents: 1500,
        currency: "EUR",
      },
    });
  const show = await newShow(`Show ${label}`);
  const spareShow = await newShow(`Spare show ${label}`); // no tickets: cancelling it refunds nothing
  const ticket = await db.ticket.create({ data: { eventId: show.id, viewerId: viewer.id, status: "paid" } });
  await db.payment.create({
    data: {
      traceId: ticket.traceId,
      kind: "ticket",
      ticketId: ticket.id,
      payerId: viewer.id,
      amountCents: 1500,
      currency: "EUR",
      status: "paid",
      paidAt: new Date(),
      stripePaymentIntentId: `pi_ticket_${tag}`,
    },
  });
  const finding = await db.reconciliationFinding.create({
    data: {
      key: `paid_never_joined:${tag}`,
      kind: "paid_never_joined",
      message: `Paid, never joined (${tag})`,
      paymentId: payment.id,
      bookingId: booking.id,
      firstRunId: `run-${tag}`,
      lastRunId: `run-${tag}`,
    },
  });
  return { brand, admin, creator, viewer, booking, payment, recording, show, spareShow, ticket, finding };
}
type World = Awaited<ReturnType<typeof brandWorld>>;

/** One join (a token issued) on a booking's trace, on METRICS_DAY. */
const join = (w: World, who: Actor, role: "viewer" | "creator") =>
  appendTrace({
    traceId: w.booking.traceId,
    type: "token.issued",
    source: "app",
    actorId: who.id,
    occurredAt: new Date(`${METRICS_DAY}T12:00:00Z`),
    payload: {
      role,
      seq: 1,
      attempt: 1,
      policy: "all",
      joinId: `j-${who.id}`,
      roomName: roomNameFor(w.booking.id),
      expiresAt: `${METRICS_DAY}T12:05:00Z`,
    },
  });

let a: World;
let b: World;
let platform: Actor;

beforeAll(async () => {
  [a, b] = await Promise.all([brandWorld("a"), brandWorld("b")]);
  platform = await createUser({ role: "admin" });
  await join(a, a.viewer, "viewer");
  await join(b, b.viewer, "viewer");
  await join(b, b.creator, "creator");
});

describe("a brand's admin: sessions, shows, recordings and money of their brand only", () => {
  it("session stories and the session search", async () => {
    expect(await statusOf(getSessionStory(a.admin, b.booking.id))).toBe(404);
    expect((await getSessionStory(a.admin, a.booking.id)).subject.id).toBe(a.booking.id);
    expect((await getSessionStory(platform, b.booking.id)).subject.id).toBe(b.booking.id);

    for (const q of [b.viewer.email, b.creator.email, b.payment.stripePaymentIntentId!, b.booking.id]) {
      const found = await searchSessions(a.admin, q);
      expect(found.results, q).toEqual([]);
      expect(found.tickets, q).toEqual([]);
    }
    const own = await searchSessions(a.admin, a.viewer.email);
    expect(own.results.map((r) => r.id)).toEqual([a.booking.id]);
    expect(own.tickets.map((t) => t.id)).toEqual([a.ticket.id]);
    const all = await searchSessions(platform, b.viewer.email);
    expect(all.results.map((r) => r.id)).toEqual([b.booking.id]);
    expect(all.tickets.map((t) => t.id)).toEqual([b.ticket.id]);

    // The booking page an admin opens from the story (actingPartyOf, brand-aware).
    expect(await statusOf(getBookingForActor(a.admin, b.booking.id))).toBe(404);
    expect((await getBookingForActor(a.admin, a.booking.id)).role).toBe("admin");
    expect((await getBookingForActor(platform, b.booking.id)).role).toBe("admin");
  });

  it("ticket stories, the show's support page, its public page's admin part, and cancelling a show", async () => {
    expect(await statusOf(getTicketStory(a.admin, b.ticket.id))).toBe(404);
    expect((await getTicketStory(a.admin, a.ticket.id)).subject.id).toBe(a.ticket.id);
    expect((await getTicketStory(platform, b.ticket.id)).subject.id).toBe(b.ticket.id);

    expect(await statusOf(getShowAdminPage(a.admin, b.show.id))).toBe(404);
    expect((await getShowAdminPage(a.admin, a.show.id)).tickets.map((t) => t.id)).toEqual([a.ticket.id]);
    expect((await getShowAdminPage(platform, b.show.id)).id).toBe(b.show.id);
    expect(await statusOf(requireShowForStaff(a.admin, b.show.id))).toBe(404);
    expect((await requireShowForStaff(a.admin, a.show.id)).id).toBe(a.show.id);
    // On brand A's host brand B's show is not there at all; on its own host a platform admin may cancel it.
    expect(await getShowPage(a.admin, b.show.id, a.admin.brandId)).toBeNull();
    expect((await getShowPage(a.admin, a.show.id, a.admin.brandId))?.canCancelShow).toBe(true);
    expect((await getShowPage(platform, b.show.id, b.admin.brandId))?.canCancelShow).toBe(true);

    expect(await statusOf(cancelShow(a.admin, b.spareShow.id))).toBe(404);
    expect((await db.groupEvent.findUniqueOrThrow({ where: { id: b.spareShow.id } })).status).toBe("scheduled");
    await cancelShow(a.admin, a.spareShow.id, { reason: "own brand" });
    expect((await db.groupEvent.findUniqueOrThrow({ where: { id: a.spareShow.id } })).status).toBe("cancelled");
    await cancelShow(platform, b.spareShow.id, { reason: "platform" });
    expect((await db.groupEvent.findUniqueOrThrow({ where: { id: b.spareShow.id } })).status).toBe("cancelled");
  });

  it("recordings: the list, the player's lookup (and so the file route) and a booking's recordings", async () => {
    const ids = async (who: Actor, creator?: string) =>
      (await listRecordings(who, creator ? { creator } : {})).map((r) => r.id);
    const ownList = await ids(a.admin);
    expect(ownList).toContain(a.recording.id);
    expect(ownList).not.toContain(b.recording.id);
    expect(await ids(a.admin, b.creator.email)).toEqual([]);
    expect(await ids(platform, b.creator.email)).toEqual([b.recording.id]);

    expect(await statusOf(getRecordingForActor(a.admin, b.recording.id))).toBe(404);
    expect((await getRecordingForActor(a.admin, a.recording.id)).id).toBe(a.recording.id);
    expect((await getRecordingForActor(platform, b.recording.id)).id).toBe(b.recording.id);
    expect(await listBookingRecordings(a.admin, b.booking.id)).toEqual([]);
    expect((await listBookingRecordings(a.admin, a.booking.id)).map((r) => r.id)).toEqual([a.recording.id]);
    expect((await listBookingRecordings(platform, b.booking.id)).map((r) => r.id)).toEqual([b.recording.id]);
  });

  it("refunds and the money overview", async () => {
    const refund = { amountCents: 100, reason: "goodwill" };
    expect(await statusOf(adminRefundBooking(a.admin, b.booking.id, refund))).toBe(404);
    expect(await db.refund.count({ where: { paymentId: b.payment.id } })).toBe(0);
    expect((await adminRefundBooking(a.admin, a.booking.id, refund)).amountCents).toBe(100);
    expect((await adminRefundBooking(platform, b.booking.id, refund)).amountCents).toBe(100);

    const own = await getAdminMoneyOverview(a.admin);
    const ownIds = [...own.review, ...own.recent].map((p) => p.id);
    expect(ownIds).toContain(a.payment.id);
    expect(ownIds).not.toContain(b.payment.id);
    const all = await getAdminMoneyOverview(platform);
    expect(all.review.map((p) => p.id)).toEqual(expect.arrayContaining([a.payment.id, b.payment.id]));
  });

  it("reconciliation: the findings and their one-click resolutions; runs and alerts are the platform's", async () => {
    const own = await getReconciliationPage(a.admin);
    expect(own.platformWide).toBe(false);
    // (A run of another test file may find more about brand A's payments: only brand B's must never show.)
    const bPayments = [b.payment.id];
    expect(own.open.map((f) => f.id)).toContain(a.finding.id);
    expect(own.open.map((f) => f.id)).not.toContain(b.finding.id);
    expect(own.open.filter((f) => bPayments.includes(f.paymentId ?? ""))).toEqual([]);
    expect(own.openCount).toBe(own.open.length);
    expect(own.runs).toEqual([]);
    expect(own.alerts).toEqual([]);
    const all = await getReconciliationPage(platform);
    expect(all.platformWide).toBe(true);
    expect(all.open.map((f) => f.id)).toEqual(expect.arrayContaining([a.finding.id, b.finding.id]));

    const dismiss = (id: string) => ({ findingId: id, action: "dismiss", note: "checked by hand" });
    expect(await statusOf(resolveFinding(a.admin, dismiss(b.finding.id), { purchases }))).toBe(404);
    expect((await db.reconciliationFinding.findUniqueOrThrow({ where: { id: b.finding.id } })).resolvedAt).toBeNull();
    await resolveFinding(a.admin, dismiss(a.finding.id), { purchases });
    expect((await getReconciliationPage(a.admin)).resolved.map((f) => f.id)).toContain(a.finding.id);
    await resolveFinding(platform, dismiss(b.finding.id), { purchases });
    expect((await getReconciliationPage(platform)).resolved.map((f) => f.id)).toContain(b.finding.id);
    expect((await getReconciliationPage(a.admin)).resolved.map((f) => f.id)).not.toContain(b.finding.id);

    const alert = await db.opsAlert.create({ data: { kind: "reconciliation", message: "brand isolation test" } });
    const note = { alertId: alert.id, note: "a test's own alert" };
    expect(await statusOf(dismissAlert(a.admin, note))).toBe(404);
    await dismissAlert(platform, note);
    expect((await db.opsAlert.findUniqueOrThrow({ where: { id: alert.id } })).resolvedAt).not.toBeNull();
  });

  it("metrics: a brand's admin sees their brand's figures; a platform admin every brand's, or one brand's", async () => {
    const day = { from: METRICS_DAY, to: METRICS_DAY };
    const own = await getSessionMetrics(a.admin, day);
    expect(own.metrics.joins).toBe(1);
    expect(own.brand.brands).toBeNull();
    // A brand's admin cannot pick another brand.
    expect((await getSessionMetrics(a.admin, { ...day, brand: b.brand.slug })).metrics.joins).toBe(1);

    const every = await getSessionMetrics(platform, day);
    expect(every.metrics.joins).toBeGreaterThanOrEqual(3);
    expect(every.brand.brands?.map((x) => x.slug)).toEqual(expect.arrayContaining([a.brand.slug, b.brand.slug]));
    const onlyB = await getSessionMetrics(platform, { ...day, brand: b.brand.slug });
    expect(onlyB.metrics.joins).toBe(2);
    expect(onlyB.brand.slug).toBe(b.brand.slug);
    expect((await getSessionMetrics(platform, { ...day, brand: a.brand.slug })).metrics.joins).toBe(1);
    expect(await statusOf(getSessionMetrics(platform, { ...day, brand: "no-such-brand-here" }))).toBe(422);
  });
});
