import crypto from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { getActorOrThrow } from "@/lib/auth/queries";

// Reconciliation talks to Stripe's API as production does, with stripe-mock standing in for Stripe. stripe-mock
// keeps no state: it answers every retrieve with its fixture under the id asked for (a payment intent of
// $10.99 that "requires_payment_method", a refund of $1.00 that "succeeded") and every list with one fixture.
// So Booth's ids can be looked up but never match Stripe's figures: each Booth payment here comes back as
// "paid in Booth, not in Stripe", each refund as "differs" – which is what this file checks, with the exact
// words. The other direction (paid in Stripe, unconfirmed in Booth) needs a succeeded intent stripe-mock
// cannot give; tests/unit/reconcile-rules.test.ts covers it on the pure comparison.
vi.hoisted(() => {
  process.env.STRIPE_SECRET_KEY = "sk_test_BoothStripeMock0123456789";
  process.env.STRIPE_API_BASE = process.env.STRIPE_MOCK_URL;
});

afterAll(() => {
  delete process.env.STRIPE_SECRET_KEY;
  delete process.env.STRIPE_API_BASE;
});

const { db } = await import("@/lib/db");
const { dismissAlert, nightlyReconciliation, runReconciliation } = await import("@/lib/payments/reconciliation");
const { AppError } = await import("@/lib/errors");
const { DEMO_PASSWORD } = await import("../../prisma/seed");
const { HttpClient, callServerAction } = await import("../helpers/http");
const { TEST_PASSWORD } = await import("../helpers/factories");
const { paidSession } = await import("../helpers/sessions");
const { createUser } = await import("../helpers/factories");
const { bookableOffering, hold, sessionFor } = await import("../helpers/bookings");
const { paidTicket, scheduledShow } = await import("../helpers/shows");
const { resolveFinding } = await import("@/lib/payments/reconciliation");
const { purchases } = await import("@/lib/runtime/purchases");
const { refundPurchase } = await import("@/lib/payments/refunds");
const { stripe } = await import("@/lib/payments/stripe");
const { applyRefundResult } = await import("@/lib/payments/refunds");
const { settleNudges } = await import("@/lib/ops/outbox");

type Finding = { kind: string; paymentId: string | null; refundId: string | null; stripeId: string; message: string };

async function paidWithRefund() {
  const s = await paidSession();
  const tag = crypto.randomBytes(6).toString("hex");
  const refund = await db.refund.create({
    data: {
      paymentId: s.payment.id,
      stripeRefundId: `re_test_${tag}`,
      idempotencyKey: `reconcile-${tag}`,
      amountCents: 1000,
      reason: "requested_by_customer",
      status: "succeeded",
    },
  });
  return { ...s, refund };
}

describe("reconciliation with Stripe", () => {
  it("compares Booth's payments and refunds with Stripe's, records the mismatches and raises an alert", async () => {
    const { payment, refund } = await paidWithRefund();
    const run = (await runReconciliation({ trigger: "admin" }))!;
    expect(run.error).toBeNull();
    expect(run.finishedAt).not.toBeNull();
    const findings = run.findings as unknown as Finding[];
    expect(run.mismatches).toBe(findings.length);
    expect(run.checkedPayments).toBeGreaterThanOrEqual(1);
    expect(findings).toContainEqual({
      kind: "booth_paid_not_in_stripe",
      paymentId: payment.id,
      refundId: null,
      stripeId: payment.stripePaymentIntentId,
      message: "Booth has €40.00 as paid; Stripe says requires_payment_method",
    });
    expect(findings).toContainEqual({
      kind: "refund_differs",
      paymentId: payment.id,
      refundId: refund.id,
      stripeId: refund.stripeRefundId,
      message: "Booth refunded €10.00 (succeeded); Stripe has $1.00 (succeeded)",
    });
    const alerts = await db.opsAlert.findMany({ where: { runId: run.id } });
    expect(alerts).toMatchObject([
      {
        kind: "reconciliation",
        message: expect.stringMatching(
          new RegExp(
            `^${findings.length} mismatches found by reconciliation: \\d+ between the ledger and Stripe, \\d+ in sessions$`,
          ),
        ),
        resolvedAt: null,
      },
    ]);
  });

  it("the nightly sweep runs once per UTC day from 03:00, on one replica; a clean run raises nothing", async () => {
    // A day of its own, far ahead: Booth has no payment in its 35 days, so nothing can mismatch.
    const at = (h: number) => new Date(Date.UTC(2031, 0, 15, h, 0));
    expect(await nightlyReconciliation(at(2))).toBeNull();
    // Two replicas ask at once: one run.
    const [a, b] = await Promise.all([nightlyReconciliation(at(4)), nightlyReconciliation(at(4))]);
    const runs = [a, b].filter((r) => r !== null);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ day: "nightly:2031-01-15", trigger: "nightly", mismatches: 0, error: null });
    expect(await nightlyReconciliation(at(23))).toBeNull();
    expect(await db.opsAlert.count({ where: { runId: runs[0]!.id } })).toBe(0);
  });

  it("a run that breaks after it started is finished with its error and raises an alert (the nightly key is spent)", async () => {
    // A date no query can take makes the session comparison throw, as a database error or a timeout would.
    const day = `nightly:broken-${crypto.randomBytes(4).toString("hex")}`;
    const run = (await runReconciliation({ trigger: "nightly", day, now: new Date(Number.NaN) }))!;
    expect(run).toMatchObject({ day, trigger: "nightly", mismatches: 0 });
    expect(run.finishedAt).not.toBeNull();
    expect(run.error).toMatch(/^Reconciliation failed: ./);
    expect(await db.opsAlert.findMany({ where: { runId: run.id } })).toMatchObject([
      { kind: "reconciliation_failed", message: run.error, resolvedAt: null },
    ]);
  });

  it("/admin/reconciliation shows the latest run's mismatches and the open alerts, to admins only", async () => {
    const { payment, viewer } = await paidWithRefund();
    await runReconciliation({ trigger: "admin" });
    const admin = await adminClient();
    const res = await admin.fetch("/admin/reconciliation");
    expect(res.status).toBe(200);
    const html = await res.text();
    const row = new RegExp(
      `<tr[^>]*data-testid="finding"[^>]*>(?:(?!</tr>)[\\s\\S])*${payment.id}(?:(?!</tr>)[\\s\\S])*</tr>`,
    ).exec(html);
    expect(row?.[0]).toContain("Paid in our ledger, not in Stripe");
    expect(row?.[0]).toContain("Booth has €40.00 as paid; Stripe says requires_payment_method");
    expect(html).toMatch(/data-testid="ops-alert"[\s\S]*?mismatches found by reconciliation/);

    const other = new HttpClient();
    await other.signIn(viewer.email, TEST_PASSWORD);
    expect((await other.fetch("/admin/reconciliation")).status).toBe(403);
    const anonymous = await new HttpClient().fetch("/admin/reconciliation");
    expect(anonymous.status).toBe(307);
  });

  it("an admin dismisses an open alert with a note (the page's action); the audit log keeps it; nobody else can", async () => {
    const { viewer } = await paidWithRefund();
    const run = (await runReconciliation({ trigger: "admin" }))!;
    const alert = await db.opsAlert.findFirstOrThrow({ where: { runId: run.id } });
    const admin = await adminClient();
    const dismiss = (note: string) =>
      callServerAction(
        admin,
        "lib/payments/actions.ts",
        "dismissAlertAction",
        { alertId: alert.id, note },
        "/admin/reconciliation",
      );

    expect((await dismiss("ok")).text).toContain("Say in a few words why this needs nothing more");
    expect((await db.opsAlert.findUniqueOrThrow({ where: { id: alert.id } })).resolvedAt).toBeNull();

    const done = await dismiss("stripe-mock's fixtures, not real money");
    expect(done.status).toBe(200);
    expect(done.text).toContain("Alert dismissed; the audit log keeps your note.");
    expect((await db.opsAlert.findUniqueOrThrow({ where: { id: alert.id } })).resolvedAt).not.toBeNull();
    expect(await db.auditEvent.findMany({ where: { subjectType: "alert", subjectId: alert.id } })).toMatchObject([
      {
        action: "alert.dismissed",
        actorEmail: "admin@booth.test",
        reason: "stripe-mock's fixtures, not real money",
        details: { kind: "reconciliation", runId: run.id },
      },
    ]);
    // Once: a second dismissal says so and writes nothing.
    expect((await dismiss("again")).text).toContain("This alert was already dismissed");
    expect(await db.auditEvent.count({ where: { subjectType: "alert", subjectId: alert.id } })).toBe(1);
    // Gone from the open alerts.
    const html = await (await admin.fetch("/admin/reconciliation")).text();
    expect(html).not.toContain(`data-alert-id="${alert.id}"`);

    const other = await db.opsAlert.create({ data: { kind: "reconciliation", message: "another" } });
    const asViewer = await getActorOrThrow(viewer.id);
    const refused = await dismissAlert(asViewer, { alertId: other.id, note: "not mine to dismiss" }).catch((e) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as InstanceType<typeof AppError>).status).toBe(403);
    expect((await db.opsAlert.findUniqueOrThrow({ where: { id: other.id } })).resolvedAt).toBeNull();
  });
});

// ---------------------------------------------------------------- sessions against their rooms

const MIN = 60_000;

/** A paid private session whose window ended an hour and a half ago (30 minutes, two hours ago). */
const endedSession = (opts: Parameters<typeof paidSession>[0] = {}) =>
  paidSession({ startsInMinutes: -120, durationMinutes: 30, ...opts });

/** The booking's room, closed after the session. */
async function closedRoom(s: Awaited<ReturnType<typeof paidSession>>) {
  return db.roomSession.create({
    data: {
      traceId: s.booking.traceId,
      bookingId: s.booking.id,
      roomName: `reconcile-${crypto.randomBytes(6).toString("hex")}`,
      status: "ended",
      startedAt: s.booking.startsAt,
      endedAt: s.booking.endsAt,
      closedAt: s.booking.endsAt,
    },
  });
}

/** A participant who connected to the room (LiveKit said participant_joined). */
const joined = (roomSessionId: string, userId: string, role: "viewer" | "creator" = "viewer") =>
  db.participantConnection.create({
    data: { roomSessionId, userId, identity: userId, role, joinedAt: new Date(Date.now() - 115 * MIN) },
  });

/** The findings about a booking or payment: by default those about sessions (stripe-mock, which keeps no state,
 * makes every Booth payment "paid in Booth, not in Stripe" as well). */
const findingsOf = (
  where: { bookingId?: string; paymentId?: string },
  kinds = ["paid_never_joined", "joined_without_purchase", "recording_missing"],
) => db.reconciliationFinding.findMany({ where: { ...where, kind: { in: kinds } }, orderBy: { kind: "asc" } });

/**
 * The demo admin, signed in once for the whole file: each two-step code is good once, so signing in
 * afresh in every test would wait for new codes.
 */
let demoAdmin: Promise<InstanceType<typeof HttpClient>> | null = null;
function adminClient() {
  demoAdmin ??= (async () => {
    const admin = new HttpClient();
    await admin.signIn("admin@booth.test", DEMO_PASSWORD);
    return admin;
  })();
  return demoAdmin;
}
const resolveOverHttp = (client: InstanceType<typeof HttpClient>, fields: Record<string, string>) =>
  callServerAction(client, "lib/runtime/actions.ts", "resolveFindingAction", fields, "/admin/reconciliation");

/** An open-findings row of the page, by finding id. */
const findingRow = (html: string, id: string) =>
  new RegExp(`<tr[^>]*data-finding-id="${id}"[^>]*>(?:(?!</tr>)[\\s\\S])*</tr>`).exec(html)?.[0];

describe("reconciliation of sessions with their rooms", () => {
  it("finds a paid session whose payer never connected, and none where the payer did; links story and payment", async () => {
    const never = await endedSession();
    const attended = await endedSession();
    const room = await closedRoom(attended);
    await joined(room.id, attended.viewer.id);
    await joined(room.id, attended.creator.user.id, "creator");
    const open = await endedSession({ startsInMinutes: 10 }); // not over yet

    const run = (await runReconciliation({ trigger: "admin" }))!;
    expect(run.checkedSessions).toBeGreaterThanOrEqual(2);
    const [f] = await findingsOf({ bookingId: never.booking.id });
    expect(f).toMatchObject({
      kind: "paid_never_joined",
      paymentId: never.payment.id,
      stripeId: never.payment.stripePaymentIntentId,
      resolvedAt: null,
      lastRunId: run.id,
    });
    expect(f!.message).toMatch(/^Paid €40\.00 for a session that ended .* UTC; the payer never connected$/);
    expect(await findingsOf({ bookingId: attended.booking.id })).toEqual([]);
    expect(await findingsOf({ bookingId: open.booking.id })).toEqual([]);
    expect(
      (run.findings as unknown as Finding[]).some(
        (x) => x.kind === "paid_never_joined" && x.paymentId === never.payment.id,
      ),
    ).toBe(true);

    // A second run finds the same thing: the same finding, seen again.
    const again = (await runReconciliation({ trigger: "admin" }))!;
    const [same] = await findingsOf({ bookingId: never.booking.id });
    expect(same).toMatchObject({ id: f!.id, firstRunId: run.id, lastRunId: again.id });

    const html = await (await (await adminClient()).fetch("/admin/reconciliation")).text();
    const row = findingRow(html, f!.id);
    expect(row).toContain("Paid, never joined");
    expect(row).toContain(`href="/admin/sessions/${never.booking.id}"`);
    expect(row).toContain(`href="https://dashboard.stripe.com/test/payments/${never.payment.stripePaymentIntentId}"`);
    expect(row).toContain(">Refund<");
  });

  it("finds a show's ticket holder who never joined, linked to the ticket's story; the one who joined is not", async () => {
    const { event, creator } = await scheduledShow({ startsInMinutes: 24 * 60, durationMinutes: 30 });
    const [absent, present] = [await createUser(), await createUser()];
    const absentTicket = await paidTicket(absent, event.id);
    const presentTicket = await paidTicket(present, event.id);
    // The show took place two hours ago (moved back in time), and one of the two holders came.
    const startsAt = new Date(Date.now() - 120 * MIN);
    await db.groupEvent.update({
      where: { id: event.id },
      data: { startsAt, endsAt: new Date(startsAt.getTime() + 30 * MIN), status: "ended" },
    });
    const room = await db.roomSession.create({
      data: {
        traceId: event.traceId,
        groupEventId: event.id,
        roomName: `reconcile-show-${crypto.randomBytes(6).toString("hex")}`,
        status: "ended",
      },
    });
    await joined(room.id, present.id);
    await joined(room.id, creator.user.id, "creator");

    await runReconciliation({ trigger: "admin" });
    const found = await db.reconciliationFinding.findMany({
      where: { groupEventId: event.id, kind: { in: ["paid_never_joined", "joined_without_purchase"] } },
    });
    expect(found).toMatchObject([
      {
        kind: "paid_never_joined",
        ticketId: absentTicket.ticketId,
        paymentId: absentTicket.payment.id,
        roomSessionId: room.id,
      },
    ]);
    expect(found[0]!.message).toMatch(/^Paid €15\.00 for a show ticket that ended .* UTC; the payer never connected$/);
    expect(presentTicket.ticketId).not.toBe(absentTicket.ticketId);
    const html = await (await (await adminClient()).fetch("/admin/reconciliation")).text();
    expect(findingRow(html, found[0]!.id)).toContain(`href="/admin/tickets/${absentTicket.ticketId}"`);
  });

  it("finds a participant who joined without a paid purchase (and not the payer or the creator)", async () => {
    const s = await endedSession();
    const room = await closedRoom(s);
    const stranger = await createUser({ name: "Gate Crasher" });
    await joined(room.id, s.viewer.id);
    await joined(room.id, s.creator.user.id, "creator");
    await joined(room.id, stranger.id);
    // The booking's own viewer whose payment never went through is flagged too.
    const unpaid = await endedSession();
    await db.payment.update({ where: { id: unpaid.payment.id }, data: { status: "failed", paidAt: null } });
    const unpaidRoom = await closedRoom(unpaid);
    await joined(unpaidRoom.id, unpaid.viewer.id);

    await runReconciliation({ trigger: "admin" });
    const found = await findingsOf({ bookingId: s.booking.id });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      kind: "joined_without_purchase",
      userId: stranger.id,
      roomSessionId: room.id,
      paymentId: null,
    });
    expect(found[0]!.message).toContain(`User ${stranger.id} joined the room`);
    expect(found[0]!.message).toContain("without a paid booking (no payment of theirs): this should be impossible");
    const theirs = await findingsOf({ bookingId: unpaid.booking.id });
    expect(theirs.map((f) => [f.kind, f.userId])).toEqual([["joined_without_purchase", unpaid.viewer.id]]);
    expect(theirs[0]!.message).toContain("their payment is failed");
    // Only dismissing makes sense for it.
    const html = await (await (await adminClient()).fetch("/admin/reconciliation")).text();
    const row = findingRow(html, found[0]!.id)!;
    expect(row).toContain(`href="/admin/sessions/${s.booking.id}"`);
    expect(row).not.toContain(">Refund<");
    expect(row).toContain(">Dismiss<");
  });

  it("finds a session the policy records whose recording never completed (when the platform records)", async () => {
    const failed = await endedSession({ recordingPolicy: "always", startsInMinutes: -180 });
    const failedRoom = await closedRoom(failed);
    await joined(failedRoom.id, failed.viewer.id);
    await db.recording.create({
      data: { roomSessionId: failedRoom.id, egressId: `EG_${crypto.randomBytes(6).toString("hex")}`, status: "failed" },
    });
    const complete = await endedSession({ recordingPolicy: "always", startsInMinutes: -180 });
    const completeRoom = await closedRoom(complete);
    await joined(completeRoom.id, complete.viewer.id);
    await db.recording.create({
      data: {
        roomSessionId: completeRoom.id,
        egressId: `EG_${crypto.randomBytes(6).toString("hex")}`,
        status: "complete",
      },
    });
    const never = await endedSession({ recordingPolicy: "never", startsInMinutes: -180 });
    const neverRoom = await closedRoom(never);
    await joined(neverRoom.id, never.viewer.id);

    await runReconciliation({ trigger: "admin", recordings: true });
    const found = await findingsOf({ bookingId: failed.booking.id });
    expect(found).toMatchObject([
      {
        kind: "recording_missing",
        roomSessionId: failedRoom.id,
        message: "Recording is always on for this offering, but none of its 1 recording completed",
      },
    ]);
    expect(await findingsOf({ bookingId: complete.booking.id })).toEqual([]);
    expect(await findingsOf({ bookingId: never.booking.id })).toEqual([]);

    // A run that does not compare recordings did not look again: the finding stays open.
    await runReconciliation({ trigger: "admin", recordings: false });
    expect(await db.reconciliationFinding.findUniqueOrThrow({ where: { id: found[0]!.id } })).toMatchObject({
      resolution: null,
      resolvedAt: null,
    });
  });

  it("a finding about something older than the lookback stays open: no run looked at it again", async () => {
    const s = await endedSession();
    await runReconciliation({ trigger: "admin" });
    const kinds = ["paid_never_joined", "booth_paid_not_in_stripe"];
    const found = await findingsOf({ paymentId: s.payment.id }, kinds);
    expect(found.map((f) => f.kind)).toEqual(["booth_paid_not_in_stripe", "paid_never_joined"]);
    // The session and its payment move 40 days back, out of the 35 days a run looks at.
    const back = (d: Date) => new Date(d.getTime() - 40 * 24 * 60 * MIN);
    await db.booking.update({
      where: { id: s.booking.id },
      data: { startsAt: back(s.booking.startsAt), endsAt: back(s.booking.endsAt) },
    });
    await db.payment.update({ where: { id: s.payment.id }, data: { createdAt: back(s.payment.createdAt) } });
    await runReconciliation({ trigger: "admin" });
    expect(
      (await findingsOf({ paymentId: s.payment.id }, kinds)).map((f) => [f.kind, f.resolution, f.resolvedAt]),
    ).toEqual([
      ["booth_paid_not_in_stripe", null, null],
      ["paid_never_joined", null, null],
    ]);
  });
});

describe("resolving findings with one click", () => {
  async function neverJoinedFinding() {
    const s = await endedSession();
    await runReconciliation({ trigger: "admin" });
    const [f] = await findingsOf({ bookingId: s.booking.id });
    expect(f?.kind).toBe("paid_never_joined");
    return { ...s, finding: f! };
  }

  it("refund: a double click refunds once, all that was paid, through the refund service; audit-logged", async () => {
    const { finding, payment, viewer } = await neverJoinedFinding();
    const admin = await adminClient();
    const clicks = await Promise.all([
      resolveOverHttp(admin, { findingId: finding.id, action: "refund" }),
      resolveOverHttp(admin, { findingId: finding.id, action: "refund" }),
    ]);
    const texts = clicks.map((c) => c.text);
    expect(texts.filter((t) => t.includes("Refund of €40.00 recorded; it goes to Stripe now."))).toHaveLength(1);
    expect(texts.filter((t) => t.includes("This finding is already resolved (admin@booth.test refunded"))).toHaveLength(
      1,
    );

    const refunds = await db.refund.findMany({ where: { paymentId: payment.id } });
    expect(refunds).toMatchObject([
      {
        amountCents: 4000,
        reason: "reconciliation: paid but never joined",
        idempotencyKey: `reconcile:${finding.id}:${finding.lastRunId}`,
      },
    ]);
    expect(await db.outboxEffect.count({ where: { dedupeKey: `refund:${refunds[0]!.id}` } })).toBe(1);
    const resolved = await db.reconciliationFinding.findUniqueOrThrow({ where: { id: finding.id } });
    expect(resolved).toMatchObject({ resolution: "refunded", resolvedByEmail: "admin@booth.test" });
    expect(resolved.resolvedAt).not.toBeNull();
    expect(
      await db.auditEvent.findMany({ where: { action: "payment.refunded", subjectId: payment.id } }),
    ).toMatchObject([
      {
        actorEmail: "admin@booth.test",
        subjectType: "payment",
        subjectUserId: viewer.id,
        details: { findingId: finding.id, refundId: refunds[0]!.id, amountCents: 4000 },
      },
    ]);
    // The page shows who resolved it, when and how.
    const html = await (await admin.fetch("/admin/reconciliation")).text();
    expect(findingRow(html, finding.id)).toBeUndefined();
    const item = new RegExp(`<li[^>]*data-finding-id="${finding.id}"[^>]*>(?:(?!</li>)[\\s\\S])*</li>`).exec(html)?.[0];
    expect(item).toMatch(
      /Refunded<\/span> by(<!-- -->)? <span data-testid="resolved-by">admin@booth\.test<\/span>,(<!-- -->)? <time/,
    );
  });

  it("refund: two admins at once refund once; a payment refunded meanwhile is a 409 that says so", async () => {
    const { finding, payment } = await neverJoinedFinding();
    const [a, b] = await Promise.all([createUser({ role: "admin" }), createUser({ role: "admin" })]);
    const results = await Promise.allSettled([
      resolveFinding(a, { findingId: finding.id, action: "refund" }, { purchases }),
      resolveFinding(b, { findingId: finding.id, action: "refund" }, { purchases }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(AppError);
    expect((refused.reason as InstanceType<typeof AppError>).status).toBe(409);
    expect(await db.refund.count({ where: { paymentId: payment.id } })).toBe(1);

    // Another finding whose payment an admin refunded from the session page first: nothing left, 409 over HTTP.
    const other = await neverJoinedFinding();
    await refundPurchase({
      purchase: { kind: "booking", id: other.booking.id },
      reason: "admin: refunded from the session page",
      requestedById: a.id,
      idempotencyKey: `test:${other.booking.id}`,
    });
    const res = await resolveOverHttp(await adminClient(), { findingId: other.finding.id, action: "refund" });
    expect(res.text).toMatch(
      /This payment has nothing left to refund \(it is (paid|refunded)\); dismiss the finding instead\./,
    );
    expect(await db.refund.count({ where: { paymentId: other.payment.id } })).toBe(1);
    expect(
      (await db.reconciliationFinding.findUniqueOrThrow({ where: { id: other.finding.id } })).resolvedAt,
    ).toBeNull();
    // The next run counts that refund (on its way to Stripe, or back) as money no longer held: no longer found.
    await runReconciliation({ trigger: "admin" });
    expect((await db.reconciliationFinding.findUniqueOrThrow({ where: { id: other.finding.id } })).resolution).toBe(
      "cleared",
    );
  });

  it("refund: a refund that did not settle opens the finding again when the next run finds the money still held", async () => {
    const { finding, payment } = await neverJoinedFinding();
    const a = await createUser({ role: "admin" });
    await resolveFinding(a, { findingId: finding.id, action: "refund" }, { purchases });
    await settleNudges();
    const first = await db.refund.findFirstOrThrow({ where: { paymentId: payment.id } });
    // Stripe says the refund failed (whether or not it had succeeded first): the money is with the platform again.
    await db.$transaction((tx) =>
      applyRefundResult(tx, purchases, first.id, {
        stripeRefundId: `re_failed_${crypto.randomBytes(4).toString("hex")}`,
        status: "failed",
        source: "stripe",
      }),
    );
    const run = (await runReconciliation({ trigger: "admin" }))!;
    const reopened = await db.reconciliationFinding.findUniqueOrThrow({ where: { id: finding.id } });
    expect(reopened).toMatchObject({ resolution: null, resolvedAt: null, resolvedById: null, lastRunId: run.id });
    expect(reopened.resolutionNote).toContain("the refund made from here did not settle (the money is still held)");
    expect(reopened.resolutionNote).toContain(`Refunded by ${a.email} on `);
    const html = await (await (await adminClient()).fetch("/admin/reconciliation")).text();
    expect(findingRow(html, finding.id)).toContain("the refund made from here did not settle");
    // It can be refunded again: a new refund, not the failed one given back.
    expect(await resolveFinding(a, { findingId: finding.id, action: "refund" }, { purchases })).toMatchObject({
      resolution: "refunded",
    });
    expect(
      (await db.refund.findMany({ where: { paymentId: payment.id }, orderBy: { createdAt: "asc" } })).map((r) => [
        r.amountCents,
        r.status,
      ]),
    ).toEqual([
      [4000, "failed"],
      [4000, expect.stringMatching(/^(requested|pending|succeeded)$/)],
    ]);
  });

  it("refund: a finding that no longer holds (the payer connected since) is a 409 saying so, cleared, nothing refunded", async () => {
    const s = await neverJoinedFinding();
    const room = await closedRoom(s);
    await joined(room.id, s.viewer.id);
    const a = await createUser({ role: "admin" });
    const refused = await resolveFinding(a, { findingId: s.finding.id, action: "refund" }, { purchases }).catch(
      (e) => e,
    );
    expect((refused as InstanceType<typeof AppError>).status).toBe(409);
    expect((refused as Error).message).toBe(
      "Nothing was refunded: this finding no longer holds (the payer has connected to the room since). It is marked no longer found; reload the page.",
    );
    expect(await db.refund.count({ where: { paymentId: s.payment.id } })).toBe(0);
    expect(await db.reconciliationFinding.findUniqueOrThrow({ where: { id: s.finding.id } })).toMatchObject({
      resolution: "cleared",
    });
  });

  it("dismiss needs a note (4xx without one); with one it is resolved, audit-logged; the wrong action is refused", async () => {
    const { finding } = await neverJoinedFinding();
    const admin = await adminClient();
    expect((await resolveOverHttp(admin, { findingId: finding.id, action: "dismiss" })).text).toContain(
      "Say in a few words why this needs nothing more",
    );
    expect((await resolveOverHttp(admin, { findingId: finding.id, action: "dismiss", note: "ok" })).text).toContain(
      "Say in a few words why this needs nothing more",
    );
    expect((await resolveOverHttp(admin, { findingId: finding.id, action: "confirm" })).text).toContain(
      "Only a payment Stripe took that the ledger has not settled can be confirmed.",
    );
    expect(
      (await resolveOverHttp(admin, { findingId: "no-such-finding", action: "dismiss", note: "whatever it is" })).text,
    ).toContain("This finding does not exist.");
    expect((await db.reconciliationFinding.findUniqueOrThrow({ where: { id: finding.id } })).resolvedAt).toBeNull();

    const done = await resolveOverHttp(admin, {
      findingId: finding.id,
      action: "dismiss",
      note: "viewer no-show, policy keeps it",
    });
    expect(done.text).toContain("Finding dismissed; the audit log keeps your note.");
    expect(await db.reconciliationFinding.findUniqueOrThrow({ where: { id: finding.id } })).toMatchObject({
      resolution: "dismissed",
      resolutionNote: "viewer no-show, policy keeps it",
      resolvedByEmail: "admin@booth.test",
    });
    expect(await db.auditEvent.findMany({ where: { subjectType: "finding", subjectId: finding.id } })).toMatchObject([
      { action: "finding.dismissed", actorEmail: "admin@booth.test", reason: "viewer no-show, policy keeps it" },
    ]);
    expect((await resolveOverHttp(admin, { findingId: finding.id, action: "refund" })).text).toContain(
      "This finding is already resolved (admin@booth.test dismissed",
    );
    // A dismissed finding stays dismissed when the next run finds the same thing.
    await runReconciliation({ trigger: "admin" });
    expect((await db.reconciliationFinding.findUniqueOrThrow({ where: { id: finding.id } })).resolution).toBe(
      "dismissed",
    );
  });

  it("only admins with two-step sign-in resolve findings", async () => {
    const { finding, viewer } = await neverJoinedFinding();
    const attempt = async (actor: Awaited<ReturnType<typeof createUser>>) =>
      (await resolveFinding(actor, { findingId: finding.id, action: "refund" }, { purchases }).catch(
        (e) => e,
      )) as InstanceType<typeof AppError>;
    expect((await attempt(await getActorOrThrow(viewer.id))).status).toBe(403);
    const noTwoStep = await attempt(await createUser({ role: "admin", twoFactor: false }));
    expect(noTwoStep.status).toBe(403);
    expect(noTwoStep.message).toContain("Admins need two-step sign-in");
    const other = new HttpClient();
    await other.signIn(viewer.email, TEST_PASSWORD);
    expect((await resolveOverHttp(other, { findingId: finding.id, action: "refund" })).text).toContain(
      "You don't have permission to do that.",
    );
    expect(await db.refund.count({ where: { paymentId: finding.paymentId! } })).toBe(0);
  });

  it("confirm: a payment Stripe took that the ledger never settled goes through the settle path, once", async () => {
    const { offering, slots } = await bookableOffering();
    const { bookingId, payment } = await hold(offering.id, slots[0]!);
    expect(payment.status).toBe("pending");
    const intentId = `pi_reconcile_${crypto.randomBytes(6).toString("hex")}`;
    // stripe-mock answers every list with one fixture intent that has not succeeded, so Stripe's side of this
    // payment (succeeded, naming the payment in its metadata) is given here; everything else is stripe-mock's.
    const api = {
      paymentIntents: {
        retrieve: stripe().paymentIntents.retrieve.bind(stripe().paymentIntents),
        list: async function* () {
          yield {
            ...(await stripe().paymentIntents.retrieve(intentId)),
            id: intentId,
            status: "succeeded",
            amount: payment.amountCents,
            amount_received: payment.amountCents,
            currency: payment.currency.toLowerCase(),
            metadata: { paymentId: payment.id },
          };
        },
      },
      refunds: stripe().refunds,
    } as unknown as Parameters<typeof runReconciliation>[0]["api"];
    await runReconciliation({ trigger: "admin", api });
    const [f] = await findingsOf({ paymentId: payment.id }, ["paid_in_stripe_not_in_booth"]);
    expect(f).toMatchObject({ kind: "paid_in_stripe_not_in_booth", stripeId: intentId, bookingId });
    expect(f!.message).toBe("Stripe received €45.00; Booth has the payment as pending");

    // stripe-mock's Checkout Session is unpaid: there is nothing to confirm, and nothing changes. (The app under
    // test runs Booth's test checkout, without a Stripe key: over HTTP it says there is no Stripe to ask.)
    const a = await createUser({ role: "admin" });
    const unpaid = await resolveFinding(a, { findingId: f!.id, action: "confirm" }, { purchases }).catch((e) => e);
    expect((unpaid as InstanceType<typeof AppError>).status).toBe(409);
    expect((unpaid as Error).message).toMatch(
      /^Stripe says this checkout is unpaid \(\w+\): there is no payment to confirm\.$/,
    );
    const refused = await resolveOverHttp(await adminClient(), { findingId: f!.id, action: "confirm" });
    expect(refused.text).toContain("Stripe is not configured: there is nothing to confirm against.");
    expect((await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe("pending");
    expect((await db.reconciliationFinding.findUniqueOrThrow({ where: { id: f!.id } })).resolvedAt).toBeNull();

    // A paid Checkout Session whose payment intent is not the one the finding is about: nothing is settled.
    const otherIntent = {
      checkout: { sessions: { retrieve: async () => sessionFor(payment, { payment_intent: "pi_someone_else" }) } },
    };
    const mismatch = await resolveFinding(
      a,
      { findingId: f!.id, action: "confirm" },
      { purchases, api: otherIntent as never },
    ).catch((e) => e);
    expect((mismatch as InstanceType<typeof AppError>).status).toBe(409);
    expect((mismatch as Error).message).toContain(
      `was paid with pi_someone_else, not ${intentId}: nothing was confirmed`,
    );
    expect((await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe("pending");

    // Stripe's paid session (as the webhook tests send it): the settle path confirms the booking.
    const paid = {
      checkout: { sessions: { retrieve: async () => sessionFor(payment, { payment_intent: intentId }) } },
    };
    const done = await resolveFinding(
      a,
      { findingId: f!.id, action: "confirm", note: "customer sent the receipt" },
      { purchases, api: paid as never },
    );
    expect(done).toMatchObject({ resolution: "confirmed", status: "paid" });
    expect(await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({
      status: "paid",
      stripePaymentIntentId: intentId,
    });
    expect((await db.booking.findUniqueOrThrow({ where: { id: bookingId } })).status).toBe("confirmed");
    const succeeded = await db.traceEvent.findMany({ where: { traceId: payment.traceId, type: "payment.succeeded" } });
    expect(succeeded).toHaveLength(1);
    expect(succeeded[0]!.payload).toMatchObject({ eventId: `reconcile:${f!.id}`, paymentIntentId: intentId });
    expect(
      await db.auditEvent.findMany({ where: { action: "payment.confirmed", subjectId: payment.id } }),
    ).toMatchObject([
      { actorId: a.id, reason: "customer sent the receipt", details: { findingId: f!.id, status: "paid" } },
    ]);
    // Once: a second click says it is resolved and settles nothing again.
    const again = await resolveFinding(
      a,
      { findingId: f!.id, action: "confirm" },
      { purchases, api: paid as never },
    ).catch((e) => e);
    expect((again as InstanceType<typeof AppError>).status).toBe(409);
    expect(await db.traceEvent.count({ where: { traceId: payment.traceId, type: "payment.succeeded" } })).toBe(1);
  });
});
