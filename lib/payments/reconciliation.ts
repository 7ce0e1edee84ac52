import "server-only";
import type Stripe from "stripe";
import { appendAudit } from "@/lib/audit/service";
import { assertRole, type Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { AppError, isUniqueViolation } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logger";
import {
  type BoothPayment,
  type BoothRefund,
  comparePayments,
  compareRefunds,
  dismissAlertInput,
  compareStripeIntents,
  type Finding,
  NIGHTLY_HOUR_UTC,
  nightlyKey,
  SETTLED_PAYMENT,
  type StripeIntent,
  type StripeRefund,
} from "./reconcile-rules";
import { stripe, stripeConfigured } from "./stripe";

const log = logger.child({ module: "reconciliation" });

/** The parts of the Stripe API reconciliation reads (stripe-mock in tests). */
export type StripeReader = {
  paymentIntents: Pick<Stripe["paymentIntents"], "retrieve" | "list">;
  refunds: Pick<Stripe["refunds"], "retrieve">;
};

/** How far back a run looks, and how many objects of each kind it compares at most (bounded work). */
export const RECONCILE_LOOKBACK_DAYS = 35;
export const RECONCILE_LIMIT = 2000;

const isMissing = (err: unknown) => (err as { code?: string; statusCode?: number })?.statusCode === 404;

async function retrieveIntent(api: StripeReader, id: string): Promise<StripeIntent | null> {
  try {
    return toIntent(await api.paymentIntents.retrieve(id));
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

function toIntent(pi: Stripe.PaymentIntent): StripeIntent {
  return {
    id: pi.id,
    status: pi.status,
    amount: pi.amount,
    amountReceived: pi.amount_received ?? null,
    currency: pi.currency,
    paymentId: typeof pi.metadata?.paymentId === "string" ? pi.metadata.paymentId : null,
  };
}

async function retrieveRefund(api: StripeReader, id: string): Promise<StripeRefund | null> {
  try {
    const r = await api.refunds.retrieve(id);
    return { id: r.id, status: r.status, amount: r.amount, currency: r.currency };
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

/**
 * Compares Booth's ledger since `since` with Stripe: each settled payment with its payment intent, each
 * refund Booth sent with Stripe's refund, and Stripe's succeeded payment intents with Booth's payments.
 */
export async function compareWithStripe(api: StripeReader, since: Date, limit = RECONCILE_LIMIT) {
  const payments = (await db.payment.findMany({
    where: {
      createdAt: { gte: since },
      stripePaymentIntentId: { not: null },
      status: { in: [...SETTLED_PAYMENT] as never },
    },
    select: {
      id: true,
      status: true,
      stripePaymentIntentId: true,
      amountCents: true,
      capturedCents: true,
      currency: true,
    },
    orderBy: { createdAt: "asc" },
    take: limit,
  })) as BoothPayment[];
  const refunds = (
    await db.refund.findMany({
      where: { createdAt: { gte: since }, stripeRefundId: { not: null }, status: { in: ["pending", "succeeded"] } },
      select: {
        id: true,
        paymentId: true,
        stripeRefundId: true,
        amountCents: true,
        status: true,
        payment: { select: { currency: true } },
      },
      orderBy: { createdAt: "asc" },
      take: limit,
    })
  ).map((r): BoothRefund => ({ ...r, stripeRefundId: r.stripeRefundId!, currency: r.payment.currency }));

  const findings: Finding[] = [];
  const paymentPairs = [];
  for (const p of payments) paymentPairs.push({ booth: p, stripe: await retrieveIntent(api, p.stripePaymentIntentId) });
  findings.push(...comparePayments(paymentPairs));
  const refundPairs = [];
  for (const r of refunds) refundPairs.push({ booth: r, stripe: await retrieveRefund(api, r.stripeRefundId) });
  findings.push(...compareRefunds(refundPairs));

  // Stripe's side: what it took since then, each with the Booth payment that names it.
  const intents: StripeIntent[] = [];
  for await (const pi of api.paymentIntents.list({
    created: { gte: Math.floor(since.getTime() / 1000) },
    limit: 100,
  })) {
    intents.push(toIntent(pi));
    if (intents.length >= limit) break;
  }
  const succeeded = intents.filter((i) => i.status === "succeeded");
  const known = await db.payment.findMany({
    where: {
      OR: [
        { stripePaymentIntentId: { in: succeeded.map((i) => i.id) } },
        { id: { in: succeeded.flatMap((i) => (i.paymentId ? [i.paymentId] : [])) } },
      ],
    },
    select: { id: true, status: true, stripePaymentIntentId: true },
  });
  findings.push(
    ...compareStripeIntents(
      succeeded.map((i) => ({
        stripe: i,
        booth: known.find((p) => p.stripePaymentIntentId === i.id) ?? known.find((p) => p.id === i.paymentId) ?? null,
      })),
    ),
  );
  return { checkedPayments: payments.length, checkedRefunds: refunds.length, stripeIntents: intents.length, findings };
}

/**
 * One reconciliation run, recorded: the run row, and on any mismatch an ops alert and a log warning.
 * `day` (the nightly key) makes the run happen once per day across replicas: null when another has it.
 * Without a Stripe key (Booth's test checkout) there is nothing to compare; the run says so.
 */
export async function runReconciliation(opts: {
  trigger: "nightly" | "admin";
  day?: string;
  api?: StripeReader;
  now?: Date;
}) {
  const now = opts.now ?? new Date();
  let run: { id: string };
  try {
    run = await db.reconciliationRun.create({
      data: { trigger: opts.trigger, day: opts.day ?? null },
      select: { id: true },
    });
  } catch (err) {
    if (opts.day && isUniqueViolation(err, "day")) return null;
    throw err;
  }
  const api = opts.api ?? (stripeConfigured() ? stripe() : null);
  if (!api) {
    return db.reconciliationRun.update({
      where: { id: run.id },
      data: { finishedAt: new Date(), error: "Stripe is not configured (Booth's test checkout): nothing to compare" },
    });
  }
  try {
    const since = new Date(now.getTime() - RECONCILE_LOOKBACK_DAYS * 86_400_000);
    const r = await compareWithStripe(api, since);
    return await db.$transaction(async (tx) => {
      const done = await tx.reconciliationRun.update({
        where: { id: run.id },
        data: {
          finishedAt: new Date(),
          checkedPayments: r.checkedPayments,
          checkedRefunds: r.checkedRefunds,
          mismatches: r.findings.length,
          findings: r.findings as unknown as Prisma.InputJsonValue,
        },
      });
      if (r.findings.length) {
        await tx.opsAlert.create({
          data: {
            kind: "reconciliation",
            runId: run.id,
            message: `${r.findings.length} mismatch${r.findings.length === 1 ? "" : "es"} between Booth's ledger and Stripe`,
          },
        });
        log.warn(
          { runId: run.id, mismatches: r.findings.length, kinds: [...new Set(r.findings.map((f) => f.kind))] },
          "reconciliation found mismatches with Stripe",
        );
      }
      return done;
    });
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    log.warn({ err, runId: run.id }, "reconciliation could not compare with Stripe");
    await db.opsAlert.create({
      data: {
        kind: "reconciliation_failed",
        runId: run.id,
        message: `Reconciliation could not compare with Stripe: ${message}`,
      },
    });
    return db.reconciliationRun.update({ where: { id: run.id }, data: { finishedAt: new Date(), error: message } });
  }
}

/** The sweep's part: once per UTC day, from NIGHTLY_HOUR_UTC on (every replica asks; one runs it). */
export async function nightlyReconciliation(now = new Date(), api?: StripeReader) {
  if (now.getUTCHours() < NIGHTLY_HOUR_UTC) return null;
  return runReconciliation({ trigger: "nightly", day: nightlyKey(now), api, now });
}

/** /admin/reconciliation: the latest runs (newest first) and the alerts not resolved yet. Admins only. */
export async function getReconciliationPage(actor: Actor) {
  assertRole(actor, ["admin"]);
  const [runs, alerts] = await Promise.all([
    db.reconciliationRun.findMany({ orderBy: { startedAt: "desc" }, take: 10 }),
    db.opsAlert.findMany({ where: { resolvedAt: null }, orderBy: { createdAt: "desc" }, take: 50 }),
  ]);
  return {
    runs: runs.map((r) => ({ ...r, findings: (Array.isArray(r.findings) ? r.findings : []) as unknown as Finding[] })),
    alerts,
  };
}

/**
 * An admin dismisses an open alert with a note: it leaves the page's open alerts, and the audit log keeps
 * who, when and why (in the same transaction). An alert already resolved is a 409 that says so.
 */
export async function dismissAlert(actor: Actor, raw: unknown) {
  assertRole(actor, ["admin"]);
  const input = dismissAlertInput.parse(raw);
  return db.$transaction(async (tx) => {
    const alert = await tx.opsAlert.findUnique({ where: { id: input.alertId }, select: { kind: true, runId: true } });
    if (!alert) throw new AppError("not_found", "This alert does not exist.");
    const changed = await tx.opsAlert.updateMany({
      where: { id: input.alertId, resolvedAt: null },
      data: { resolvedAt: new Date() },
    });
    if (changed.count === 0) throw new AppError("conflict", "This alert was already dismissed; reload the page.");
    await appendAudit(tx, {
      actor: { id: actor.id, email: actor.email },
      action: "alert.dismissed",
      subjectType: "alert",
      subjectId: input.alertId,
      reason: input.note,
      details: { kind: alert.kind, runId: alert.runId },
    });
    return { alertId: input.alertId };
  });
}
