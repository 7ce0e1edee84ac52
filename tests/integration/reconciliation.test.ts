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
        message: `${findings.length} mismatches between Booth's ledger and Stripe`,
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

  it("/admin/reconciliation shows the latest run's mismatches and the open alerts, to admins only", async () => {
    const { payment, viewer } = await paidWithRefund();
    await runReconciliation({ trigger: "admin" });
    const admin = new HttpClient();
    await admin.signIn("admin@booth.test", DEMO_PASSWORD);
    const res = await admin.fetch("/admin/reconciliation");
    expect(res.status).toBe(200);
    const html = await res.text();
    const row = new RegExp(
      `<tr[^>]*data-testid="finding"[^>]*>(?:(?!</tr>)[\\s\\S])*${payment.id}(?:(?!</tr>)[\\s\\S])*</tr>`,
    ).exec(html);
    expect(row?.[0]).toContain("Paid in our ledger, not in Stripe");
    expect(row?.[0]).toContain("Booth has €40.00 as paid; Stripe says requires_payment_method");
    expect(html).toMatch(/data-testid="ops-alert"[\s\S]*?mismatches between Booth/);

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
    const admin = new HttpClient();
    await admin.signIn("admin@booth.test", DEMO_PASSWORD);
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
