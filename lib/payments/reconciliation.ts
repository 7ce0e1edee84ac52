import "server-only";
import type Stripe from "stripe";
import { appendAudit } from "@/lib/audit/service";
import { actorsBrandId, assertRole, type Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logger";
import { formatMoney } from "@/lib/money";
import { nudgeEffects } from "@/lib/ops/outbox";
import { takeBudget } from "@/lib/rate-limit";
import { settlePaidSession } from "./checkout-events";
import { lockPurchaseThenPayment } from "./ledger";
import { HAS_MONEY_LEFT } from "./payment-state";
import type { Purchases } from "./purchase";
import {
  type BoothPayment,
  type BoothRefund,
  comparePayments,
  compareRefunds,
  dismissAlertInput,
  compareStripeIntents,
  type Finding,
  findingKey,
  HELD_PAYMENT,
  joinedWithoutPurchase,
  type JoinedRow,
  NIGHTLY_HOUR_UTC,
  neverJoinedChange,
  nightlyKey,
  type PaidSessionRow,
  paidNeverJoined,
  RECORDING_GRACE_MS,
  type RecordedRoomRow,
  recordingMissing,
  resolutionsFor,
  resolveFindingInput,
  SETTLED_PAYMENT,
  type StripeIntent,
  type StripeRefund,
} from "./reconcile-rules";
import { createRefundInTx } from "./refunds";
import { refundableCents } from "./refund-math";
import { liveMode, stripe, stripeConfigured } from "./stripe";

const log = logger.child({ module: "reconciliation" });

/** The parts of the Stripe API reconciliation reads (stripe-mock in tests). */
export type StripeReader = {
  paymentIntents: Pick<Stripe["paymentIntents"], "retrieve" | "list">;
  refunds: Pick<Stripe["refunds"], "retrieve">;
};
/** The part of the Stripe API confirming a payment reads: the Checkout Session it was paid through. */
export type CheckoutReader = { checkout: { sessions: Pick<Stripe["checkout"]["sessions"], "retrieve"> } };

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
  return {
    checkedPayments: payments.length,
    checkedRefunds: refunds.length,
    stripeIntents: intents.length,
    findings,
    // What this run looked at (within the lookback and the limit): only findings about these can be cleared.
    checked: {
      paymentIds: payments.map((p) => p.id),
      refundIds: refunds.map((r) => r.id),
      intentIds: intents.map((i) => i.id),
    },
  };
}

/**
 * Paid bookings and tickets with their session's end and whether the payer ever connected: those whose window
 * ended in [since, now) with money held (a run), or the one purchase of a payment whatever its state (the
 * refund button's check under the purchase's lock).
 */
async function paidSessionRows(
  client: Prisma.TransactionClient | typeof db,
  scope: { since: Date; now: Date } | { paymentId: string },
) {
  const held = [...HELD_PAYMENT];
  const where = (endsAt: Prisma.Sql) =>
    "paymentId" in scope
      ? Prisma.sql`p.id = ${scope.paymentId}`
      : Prisma.sql`p.status::text = ANY(${held}) AND ${endsAt} >= ${scope.since}::timestamp AND ${endsAt} < ${scope.now}::timestamp`;
  // Per payment: its refunds not failed, and those of them Stripe has not acknowledged yet (refund-math's inputs).
  const refundSums = Prisma.sql`
    SELECT COALESCE(sum(r."amountCents") FILTER (WHERE r.status <> 'failed'), 0)::int AS live,
           COALESCE(sum(r."amountCents") FILTER (WHERE r.status <> 'failed' AND r."stripeRefundId" IS NULL), 0)::int
             AS unseen
      FROM refunds r WHERE r."paymentId" = p.id`;
  return client.$queryRaw<PaidSessionRow[]>`
    SELECT 'booking' AS kind, b.id AS "purchaseId", b.status::text AS "purchaseStatus", b.id AS "bookingId",
           NULL::text AS "ticketId", NULL::text AS "groupEventId", NULL::text AS "eventStatus",
           rs.id AS "roomSessionId", p.id AS "paymentId", p.status::text AS "paymentStatus",
           p."stripePaymentIntentId", p."amountCents", p."capturedCents", p."refundedCents",
           rf.live AS "liveRefundCents", rf.unseen AS "unseenRefundCents", p.currency, b."endsAt",
           EXISTS (SELECT 1 FROM participant_connections pc
                    WHERE pc."roomSessionId" = rs.id AND pc."userId" = p."payerId" AND pc."joinedAt" IS NOT NULL)
             AS "payerJoined"
      FROM bookings b
      JOIN payments p ON p."bookingId" = b.id
      CROSS JOIN LATERAL (${refundSums}) rf
      LEFT JOIN room_sessions rs ON rs."bookingId" = b.id
     WHERE ${where(Prisma.sql`b."endsAt"`)}
    UNION ALL
    SELECT 'ticket', t.id, t.status::text, NULL, t.id, e.id, e.status::text,
           rs.id, p.id, p.status::text, p."stripePaymentIntentId", p."amountCents", p."capturedCents",
           p."refundedCents", rf.live, rf.unseen, p.currency, e."endsAt",
           EXISTS (SELECT 1 FROM participant_connections pc
                    WHERE pc."roomSessionId" = rs.id AND pc."userId" = p."payerId" AND pc."joinedAt" IS NOT NULL)
      FROM tickets t
      JOIN group_events e ON e.id = t."eventId"
      JOIN payments p ON p."ticketId" = t.id
      CROSS JOIN LATERAL (${refundSums}) rf
      LEFT JOIN room_sessions rs ON rs."groupEventId" = e.id
     WHERE ${where(Prisma.sql`e."endsAt"`)}`;
}

/**
 * Paid sessions against what happened in their rooms, in three set-based statements over the sessions whose
 * window ended in [since, now): paid but never joined, joined without a paid purchase, and (when the platform
 * records) sessions whose policy asked for a recording that never completed.
 */
export async function compareSessions(since: Date, now: Date, opts: { recordings: boolean }) {
  const paid = await paidSessionRows(db, { since, now });

  const settled = [...SETTLED_PAYMENT];
  const joined = await db.$queryRaw<JoinedRow[]>`
    WITH joined AS (
      SELECT pc."roomSessionId", pc."userId", min(pc."joinedAt") AS "firstJoinedAt"
        FROM participant_connections pc
       WHERE pc."joinedAt" >= ${since}::timestamp AND pc."joinedAt" < ${now}::timestamp AND pc."userId" IS NOT NULL
       GROUP BY pc."roomSessionId", pc."userId")
    SELECT j."roomSessionId", rs."bookingId", rs."groupEventId", j."userId", j."firstJoinedAt",
           t.id AS "ticketId", cp."userId" = j."userId" AS "isCreator",
           pay.id AS "paymentId", pay.status AS "paymentStatus"
      FROM joined j
      JOIN room_sessions rs ON rs.id = j."roomSessionId"
      LEFT JOIN bookings b ON b.id = rs."bookingId"
      LEFT JOIN group_events e ON e.id = rs."groupEventId"
      JOIN creator_profiles cp ON cp.id = COALESCE(b."creatorId", e."creatorId")
      LEFT JOIN tickets t ON t."eventId" = e.id AND t."viewerId" = j."userId"
      LEFT JOIN LATERAL (
        SELECT x.id, x.status FROM (
          SELECT p.id, p.status::text AS status, p."createdAt" FROM payments p
           WHERE p."bookingId" = b.id AND b."viewerId" = j."userId"
          UNION ALL
          SELECT p.id, p.status::text, p."createdAt" FROM payments p WHERE p."ticketId" = t.id) x
         ORDER BY (x.status = ANY(${settled})) DESC, x."createdAt" ASC
         LIMIT 1) pay ON true`;

  const recorded = opts.recordings
    ? await db.$queryRaw<RecordedRoomRow[]>`
    SELECT rs.id AS "roomSessionId", rs."bookingId", rs."groupEventId", o."recordingPolicy"::text AS policy,
           rs."recordingRequestedAt",
           EXISTS (SELECT 1 FROM participant_connections pc
                    WHERE pc."roomSessionId" = rs.id AND pc."joinedAt" IS NOT NULL) AS "anyoneJoined",
           COALESCE(r.recordings, 0)::int AS recordings, COALESCE(r.complete, 0)::int AS "completeRecordings"
      FROM room_sessions rs
      LEFT JOIN bookings b ON b.id = rs."bookingId"
      LEFT JOIN group_events e ON e.id = rs."groupEventId"
      JOIN offerings o ON o.id = COALESCE(b."offeringId", e."offeringId")
      LEFT JOIN (SELECT "roomSessionId", count(*) AS recordings,
                        count(*) FILTER (WHERE status = 'complete') AS complete
                   FROM recordings GROUP BY "roomSessionId") r ON r."roomSessionId" = rs.id
     WHERE o."recordingPolicy" <> 'never'
       AND COALESCE(b."endsAt", e."endsAt") >= ${since}::timestamp
       AND COALESCE(b."endsAt", e."endsAt") < ${new Date(now.getTime() - RECORDING_GRACE_MS)}::timestamp`
    : [];

  return {
    checkedSessions: paid.length + joined.length + recorded.length,
    findings: [...paidNeverJoined(paid, now), ...joinedWithoutPurchase(joined), ...recordingMissing(recorded)],
  };
}

/**
 * What one run actually looked at: the window of session ends (and of first joins) it compared, whether it
 * compared recordings, and the payments, refunds and payment intents it compared with Stripe (null: it did
 * not reach Stripe). Only an open finding about something inside it can be "no longer found".
 */
type RunScope = {
  since: Date;
  now: Date;
  recordings: boolean;
  stripe: { paymentIds: string[]; refundIds: string[]; intentIds: string[] } | null;
};

/** The note a finding an admin refunded carries when a later run finds the same money still held. */
const REFUND_DID_NOT_SETTLE =
  "Opened again: a later run found this again, so the refund made from here did not settle (the money is still held).";

/**
 * Records one run's findings as findings across runs, set-based: new ones are inserted, ones seen before
 * are brought up to date (a dismissed one stays resolved; one a run had cleared opens again, and so does one
 * refunded from here, with a note: the refund did not settle), Stripe's are given the booking, ticket or show
 * of their payment (for the story link), and open ones about something this run looked at (its scope) that
 * no run has found since this one started are cleared (a run alongside, the nightly one and an admin's, keeps
 * what it found; what no run looked at again stays open).
 */
async function storeFindings(tx: Prisma.TransactionClient, runId: string, findings: Finding[], scope: RunScope) {
  const byKey = new Map(findings.map((f) => [findingKey(f), f]));
  const rows = [...byKey].map(([key, f]) => ({
    key,
    kind: f.kind,
    message: f.message,
    paymentId: f.paymentId,
    refundId: f.refundId,
    stripeId: f.stripeId,
    bookingId: f.bookingId ?? null,
    ticketId: f.ticketId ?? null,
    groupEventId: f.groupEventId ?? null,
    roomSessionId: f.roomSessionId ?? null,
    userId: f.userId ?? null,
  }));
  if (rows.length) {
    await tx.$executeRaw`
      INSERT INTO reconciliation_findings AS f
             (id, key, kind, message, "paymentId", "refundId", "stripeId", "bookingId", "ticketId", "groupEventId",
              "roomSessionId", "userId", "firstRunId", "lastRunId", "firstSeenAt", "lastSeenAt")
      SELECT gen_random_uuid()::text, x.key, x.kind, x.message, x."paymentId", x."refundId", x."stripeId",
             x."bookingId", x."ticketId", x."groupEventId", x."roomSessionId", x."userId", ${runId}, ${runId},
             timezone('utc', now()), timezone('utc', now())
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(key text, kind text, message text,
             "paymentId" text, "refundId" text, "stripeId" text, "bookingId" text, "ticketId" text,
             "groupEventId" text, "roomSessionId" text, "userId" text)
      ON CONFLICT (key) DO UPDATE SET
             message = EXCLUDED.message, "lastRunId" = EXCLUDED."lastRunId", "lastSeenAt" = EXCLUDED."lastSeenAt",
             "resolvedAt" = CASE WHEN f.resolution IN ('cleared', 'refunded') THEN NULL ELSE f."resolvedAt" END,
             resolution = CASE WHEN f.resolution IN ('cleared', 'refunded') THEN NULL ELSE f.resolution END,
             "resolutionNote" = CASE WHEN f.resolution = 'refunded'
                                     THEN ${REFUND_DID_NOT_SETTLE} || ' Refunded by ' || COALESCE(f."resolvedByEmail", 'someone')
                                          || to_char(f."resolvedAt", ' "on" YYYY-MM-DD HH24:MI "UTC"')
                                          || COALESCE(' (note: ' || f."resolutionNote" || ')', '') || '.'
                                     ELSE f."resolutionNote" END,
             "resolvedById" = CASE WHEN f.resolution = 'refunded' THEN NULL ELSE f."resolvedById" END,
             "resolvedByEmail" = CASE WHEN f.resolution = 'refunded' THEN NULL ELSE f."resolvedByEmail" END`;
    await tx.$executeRaw`
      UPDATE reconciliation_findings f
         SET "bookingId" = p."bookingId", "ticketId" = p."ticketId", "groupEventId" = t."eventId"
        FROM payments p LEFT JOIN tickets t ON t.id = p."ticketId"
       WHERE f."lastRunId" = ${runId} AND f."paymentId" = p.id
         AND f."bookingId" IS NULL AND f."ticketId" IS NULL AND f."groupEventId" IS NULL`;
  }
  const { since, now } = scope;
  const stripeIds = scope.stripe ?? { paymentIds: [], refundIds: [], intentIds: [] };
  const endedInWindow = (endsAt: Prisma.Sql, until: Date) =>
    Prisma.sql`${endsAt} >= ${since}::timestamp AND ${endsAt} < ${until}::timestamp`;
  await tx.$executeRaw`
    UPDATE reconciliation_findings f
       SET "resolvedAt" = timezone('utc', now()), resolution = 'cleared'
     WHERE f."resolvedAt" IS NULL
       AND f."lastSeenAt" < (SELECT "startedAt" FROM reconciliation_runs WHERE id = ${runId})
       AND CASE f.kind
             WHEN 'booth_paid_not_in_stripe' THEN f."paymentId" = ANY(${stripeIds.paymentIds})
             WHEN 'amount_differs' THEN f."paymentId" = ANY(${stripeIds.paymentIds})
             WHEN 'refund_missing_in_stripe' THEN f."refundId" = ANY(${stripeIds.refundIds})
             WHEN 'refund_differs' THEN f."refundId" = ANY(${stripeIds.refundIds})
             WHEN 'paid_in_stripe_not_in_booth' THEN f."stripeId" = ANY(${stripeIds.intentIds})
             WHEN 'paid_never_joined' THEN
               EXISTS (SELECT 1 FROM bookings b WHERE b.id = f."bookingId" AND ${endedInWindow(Prisma.sql`b."endsAt"`, now)})
               OR EXISTS (SELECT 1 FROM group_events e
                           WHERE e.id = f."groupEventId" AND ${endedInWindow(Prisma.sql`e."endsAt"`, now)})
             WHEN 'joined_without_purchase' THEN
               EXISTS (SELECT 1 FROM participant_connections pc
                        WHERE pc."roomSessionId" = f."roomSessionId" AND pc."userId" = f."userId"
                          AND ${endedInWindow(Prisma.sql`pc."joinedAt"`, now)})
             WHEN 'recording_missing' THEN ${scope.recordings}::boolean AND EXISTS (
               SELECT 1 FROM room_sessions rs
                 LEFT JOIN bookings b ON b.id = rs."bookingId"
                 LEFT JOIN group_events e ON e.id = rs."groupEventId"
                WHERE rs.id = f."roomSessionId"
                  AND ${endedInWindow(Prisma.sql`COALESCE(b."endsAt", e."endsAt")`, new Date(now.getTime() - RECORDING_GRACE_MS))})
             ELSE false
           END`;
}

/**
 * One reconciliation run, recorded: the run row, the findings (./reconcile-rules.ts) kept across runs, and on
 * any mismatch an ops alert and a log warning. Sessions are compared with their rooms on every run; Booth's
 * ledger with Stripe when Stripe is configured (without a key, Booth's test checkout, the run says so).
 * `day` (the nightly key) makes the run happen once per day across replicas: null when another has it.
 * `recordings` (default: the platform records, RECORDING_ENABLED) checks that required recordings exist.
 */
export async function runReconciliation(opts: {
  trigger: "nightly" | "admin";
  day?: string;
  api?: StripeReader;
  now?: Date;
  recordings?: boolean;
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
  try {
    return await compareAndRecord(run.id, now, opts);
  } catch (err) {
    // Whatever broke after the run row was made (a query, a timeout, the final transaction): the run says so
    // and an alert is raised, so nobody takes a run that never finished for a clean night.
    const error = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    log.error({ err, runId: run.id }, "reconciliation failed");
    return db.$transaction(async (tx) => {
      const failed = await tx.reconciliationRun.update({
        where: { id: run.id },
        data: { finishedAt: new Date(), error: `Reconciliation failed: ${error}` },
      });
      await tx.opsAlert.create({
        data: { kind: "reconciliation_failed", runId: run.id, message: `Reconciliation failed: ${error}` },
      });
      return failed;
    });
  }
}

async function compareAndRecord(runId: string, now: Date, opts: { api?: StripeReader; recordings?: boolean }) {
  const since = new Date(now.getTime() - RECONCILE_LOOKBACK_DAYS * 86_400_000);
  const recordings = opts.recordings ?? env.RECORDING_ENABLED === "1";
  const sessions = await compareSessions(since, now, { recordings });

  const api = opts.api ?? (stripeConfigured() ? stripe() : null);
  let error: string | null = null;
  let withStripe: Awaited<ReturnType<typeof compareWithStripe>> | null = null;
  if (!api) {
    error = "Stripe is not configured (Booth's test checkout): nothing to compare with Stripe";
  } else {
    try {
      withStripe = await compareWithStripe(api, since);
    } catch (err) {
      error = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      log.warn({ err, runId }, "reconciliation could not compare with Stripe");
    }
  }
  const findings = [...(withStripe?.findings ?? []), ...sessions.findings];
  const scope: RunScope = { since, now, recordings, stripe: withStripe?.checked ?? null };
  return db.$transaction(
    async (tx) => {
      const done = await tx.reconciliationRun.update({
        where: { id: runId },
        data: {
          finishedAt: new Date(),
          checkedPayments: withStripe?.checkedPayments ?? 0,
          checkedRefunds: withStripe?.checkedRefunds ?? 0,
          checkedSessions: sessions.checkedSessions,
          mismatches: findings.length,
          findings: findings as unknown as Prisma.InputJsonValue,
          error,
        },
      });
      await storeFindings(tx, runId, findings, scope);
      if (api && error) {
        await tx.opsAlert.create({
          data: {
            kind: "reconciliation_failed",
            runId,
            message: `Reconciliation could not compare with Stripe: ${error}`,
          },
        });
      }
      if (findings.length) {
        const inStripe = withStripe?.findings.length ?? 0;
        await tx.opsAlert.create({
          data: {
            kind: "reconciliation",
            runId,
            message: `${findings.length} mismatch${findings.length === 1 ? "" : "es"} found by reconciliation: ${inStripe} between the ledger and Stripe, ${sessions.findings.length} in sessions`,
          },
        });
        log.warn(
          { runId, mismatches: findings.length, kinds: [...new Set(findings.map((f) => f.kind))] },
          "reconciliation found mismatches",
        );
      }
      return done;
    },
    { timeout: 60_000, maxWait: 20_000 },
  );
}

/** The sweep's part: once per UTC day, from NIGHTLY_HOUR_UTC on (every replica asks; one runs it). */
export async function nightlyReconciliation(now = new Date(), api?: StripeReader) {
  if (now.getUTCHours() < NIGHTLY_HOUR_UTC) return null;
  return runReconciliation({ trigger: "nightly", day: nightlyKey(now), api, now });
}

/** How many open findings /admin/reconciliation lists (newest first; the count says how many in all). */
export const OPEN_FINDINGS_SHOWN = 200;

/**
 * The brand a finding is about (SQL over `f`, a reconciliation_findings row): its payment's payer's, else its
 * booking's, ticket's, show's or room's (their creator's), else the person's it names. Null: none of them is
 * known (a Stripe object the ledger has never seen): such a finding is the platform admins' alone.
 */
const findingBrand = Prisma.sql`COALESCE(
  (SELECT u."brandId" FROM payments p JOIN users u ON u.id = p."payerId" WHERE p.id = f."paymentId"),
  (SELECT u."brandId" FROM bookings b JOIN creator_profiles c ON c.id = b."creatorId"
     JOIN users u ON u.id = c."userId" WHERE b.id = f."bookingId"),
  (SELECT u."brandId" FROM tickets t JOIN group_events g ON g.id = t."eventId"
     JOIN creator_profiles c ON c.id = g."creatorId" JOIN users u ON u.id = c."userId" WHERE t.id = f."ticketId"),
  (SELECT u."brandId" FROM group_events g JOIN creator_profiles c ON c.id = g."creatorId"
     JOIN users u ON u.id = c."userId" WHERE g.id = f."groupEventId"),
  (SELECT u."brandId" FROM room_sessions rs LEFT JOIN bookings b ON b.id = rs."bookingId"
     LEFT JOIN group_events g ON g.id = rs."groupEventId"
     JOIN creator_profiles c ON c.id = COALESCE(b."creatorId", g."creatorId")
     JOIN users u ON u.id = c."userId" WHERE rs.id = f."roomSessionId"),
  (SELECT u."brandId" FROM users u WHERE u.id = f."userId"))`;

/** How many resolved findings the page lists (the latest). */
const RESOLVED_SHOWN = 20;

/**
 * The findings an actor sees, as a Prisma filter: every one for a platform admin; for a brand's admin, their
 * brand's open findings and the latest RESOLVED_SHOWN of their brand's resolved ones (what the page lists).
 */
async function findingsInActorsBrand(actor: Actor): Promise<Prisma.ReconciliationFindingWhereInput> {
  const brandId = actorsBrandId(actor);
  if (brandId === null) return {};
  const rows = await db.$queryRaw<{ id: string }[]>`
    (SELECT f.id FROM reconciliation_findings f WHERE f."resolvedAt" IS NULL AND ${findingBrand} = ${brandId})
    UNION ALL
    (SELECT f.id FROM reconciliation_findings f
      WHERE f."resolvedAt" IS NOT NULL AND f.resolution <> 'cleared' AND ${findingBrand} = ${brandId}
      ORDER BY f."resolvedAt" DESC LIMIT ${RESOLVED_SHOWN})`;
  return { id: { in: rows.map((r) => r.id) } };
}

/** Whether one finding is in the brand the actor sees (a platform admin: every one). */
async function findingInActorsBrand(actor: Actor, findingId: string) {
  const brandId = actorsBrandId(actor);
  if (brandId === null) return true;
  const [hit] = await db.$queryRaw<{ id: string }[]>`
    SELECT f.id FROM reconciliation_findings f WHERE f.id = ${findingId} AND ${findingBrand} = ${brandId}`;
  return !!hit;
}

/**
 * /admin/reconciliation: the latest runs (newest first), the alerts not resolved yet, the open findings with
 * what one click can do about each, and the latest ones an admin resolved (who, when, how). Admins only.
 * The runs and their alerts are the platform's (one run compares every brand's ledger with the one Stripe
 * account): a platform admin sees them; a brand's admin sees their brand's findings only (`platformWide`: false).
 */
export async function getReconciliationPage(actor: Actor) {
  assertRole(actor, ["admin"]);
  const platformWide = actorsBrandId(actor) === null;
  const scope = await findingsInActorsBrand(actor);
  const [runs, alerts, open, openCount, resolved] = await Promise.all([
    db.reconciliationRun.findMany({ orderBy: { startedAt: "desc" }, take: platformWide ? 10 : 0 }),
    db.opsAlert.findMany({ where: { resolvedAt: null }, orderBy: { createdAt: "desc" }, take: platformWide ? 50 : 0 }),
    db.reconciliationFinding.findMany({
      where: { ...scope, resolvedAt: null },
      orderBy: [{ lastSeenAt: "desc" }, { id: "asc" }],
      take: OPEN_FINDINGS_SHOWN,
    }),
    db.reconciliationFinding.count({ where: { ...scope, resolvedAt: null } }),
    db.reconciliationFinding.findMany({
      where: { ...scope, resolvedAt: { not: null }, resolution: { not: "cleared" } },
      orderBy: { resolvedAt: "desc" },
      take: RESOLVED_SHOWN,
    }),
  ]);
  const paymentIds = [...new Set([...open, ...resolved].flatMap((f) => (f.paymentId ? [f.paymentId] : [])))];
  const intents = new Map(
    (
      await db.payment.findMany({
        where: { id: { in: paymentIds } },
        select: { id: true, stripePaymentIntentId: true },
      })
    ).map((p) => [p.id, p.stripePaymentIntentId]),
  );
  const withLinks = <F extends { paymentId: string | null; stripeId: string | null; kind: string }>(f: F) => ({
    ...f,
    paymentIntentId:
      (f.paymentId ? intents.get(f.paymentId) : null) ?? (f.stripeId?.startsWith("pi_") ? f.stripeId : null),
    actions: resolutionsFor(f),
  });
  return {
    runs: runs.map((r) => ({ ...r, findings: (Array.isArray(r.findings) ? r.findings : []) as unknown as Finding[] })),
    alerts,
    open: open.map(withLinks),
    openCount,
    resolved: resolved.map(withLinks),
    liveMode: liveMode(),
    platformWide,
  };
}

/** The finding under its row lock, open: else a 404 or a 409 that says who resolved it, when and how. */
async function lockOpenFinding(tx: Prisma.TransactionClient, findingId: string) {
  const [f] = await tx.$queryRaw<
    {
      id: string;
      kind: string;
      paymentId: string | null;
      bookingId: string | null;
      ticketId: string | null;
      groupEventId: string | null;
      lastRunId: string;
      resolvedAt: Date | null;
      resolution: string | null;
      resolvedByEmail: string | null;
    }[]
  >`SELECT id, kind, "paymentId", "bookingId", "ticketId", "groupEventId", "lastRunId", "resolvedAt", resolution,
            "resolvedByEmail"
      FROM reconciliation_findings WHERE id = ${findingId} FOR UPDATE`;
  if (!f) throw new AppError("not_found", "This finding does not exist.");
  if (f.resolvedAt) {
    const by =
      f.resolution === "cleared"
        ? "a later run no longer found it"
        : `${f.resolvedByEmail ?? "someone"} ${f.resolution}`;
    throw new AppError(
      "conflict",
      `This finding is already resolved (${by}, ${f.resolvedAt.toISOString().slice(0, 16).replace("T", " ")} UTC); reload the page.`,
    );
  }
  return f;
}

const KIND_ACTION_REFUSED: Record<string, string> = {
  refund: "Only a paid session nobody attended can be refunded from here; use the session page for other refunds.",
  confirm: "Only a payment Stripe took that the ledger has not settled can be confirmed.",
};

/**
 * One click on a finding, admins only (with their two-step sign-in, like every admin money action), in one
 * transaction with the finding's row locked, so a double click or two admins at once resolve it once:
 * - refund (paid but never joined): all that is left of the payment, through the refund service (the
 *   ledger's checks under the purchase's and the payment's locks, the outbox sends it to Stripe, one
 *   idempotency key per finding);
 * - confirm (paid in Stripe, not in the ledger): the Checkout Session as Stripe has it now goes through the
 *   settle path the webhook uses (a payment already settled is left alone);
 * - dismiss, with a note.
 * The finding keeps who, when and how; the audit log keeps it too, in the same transaction. A brand's admin
 * resolves their brand's findings only.
 */
export async function resolveFinding(actor: Actor, raw: unknown, deps: { purchases: Purchases; api?: CheckoutReader }) {
  assertRole(actor, ["admin"]);
  const input = resolveFindingInput.parse(raw);
  await takeBudget("adminAction", actor.id);
  const seen = await db.reconciliationFinding.findUnique({ where: { id: input.findingId } });
  // Another brand's finding is missing to a brand's admin; its brand never changes (the ids it names are fixed).
  if (!seen || !(await findingInActorsBrand(actor, seen.id)))
    throw new AppError("not_found", "This finding does not exist.");
  if (!resolutionsFor(seen).includes(input.action)) {
    throw new AppError("invalid", KIND_ACTION_REFUSED[input.action] ?? "This finding can only be dismissed.");
  }
  const resolvedBy = { resolvedById: actor.id, resolvedByEmail: actor.email, resolutionNote: input.note ?? null };
  const audit = { actor: { id: actor.id, email: actor.email } };

  if (input.action === "dismiss") {
    return db.$transaction(async (tx) => {
      const f = await lockOpenFinding(tx, input.findingId);
      await tx.reconciliationFinding.update({
        where: { id: f.id },
        data: { ...resolvedBy, resolvedAt: new Date(), resolution: "dismissed" },
      });
      await appendAudit(tx, {
        ...audit,
        action: "finding.dismissed",
        subjectType: "finding",
        subjectId: f.id,
        reason: input.note,
        details: { kind: f.kind, paymentId: f.paymentId, bookingId: f.bookingId, ticketId: f.ticketId },
      });
      return { findingId: f.id, resolution: "dismissed" as const };
    });
  }

  if (input.action === "refund") {
    const result = await db.$transaction(async (tx) => {
      const f = await lockOpenFinding(tx, input.findingId);
      const payment = await lockPurchaseThenPayment(tx, { id: f.paymentId });
      if (!payment) throw new AppError("not_found", "The payment of this finding no longer exists.");
      const refunds = await tx.refund.findMany({
        where: { paymentId: payment.id },
        select: { amountCents: true, status: true, stripeRefundId: true },
      });
      const left = HAS_MONEY_LEFT.has(payment.status) ? refundableCents({ ...payment, refunds }) : 0;
      if (left <= 0) {
        throw new AppError(
          "conflict",
          `This payment has nothing left to refund (it is ${payment.status.replace("_", " ")}); dismiss the finding instead.`,
        );
      }
      // The finding may be stale: under the purchase's lock, what it says must still hold (paid and standing,
      // the window over, the payer never connected). If not, it is no longer found, and nothing is refunded.
      const rows = await paidSessionRows(tx, { paymentId: payment.id });
      const now = new Date();
      const changed = rows.length
        ? (rows.map((r) => neverJoinedChange(r, now)).find((c) => c !== null) ?? null)
        : "the payment no longer belongs to a booking or ticket";
      if (changed) {
        await tx.reconciliationFinding.update({
          where: { id: f.id },
          data: { resolvedAt: now, resolution: "cleared" },
        });
        return { changed };
      }
      const refund = await createRefundInTx(tx, {
        paymentId: payment.id,
        amountCents: left,
        reason: "reconciliation: paid but never joined",
        explanation:
          "The session's window ended and the payer never connected; an admin refunded it from reconciliation.",
        // One per finding and sighting: a double click refunds once; a finding opened again because that
        // refund did not settle (a later run found it again) can be refunded anew.
        idempotencyKey: `reconcile:${f.id}:${f.lastRunId}`,
        requestedById: actor.id,
      });
      await tx.reconciliationFinding.update({
        where: { id: f.id },
        data: { ...resolvedBy, resolvedAt: new Date(), resolution: "refunded" },
      });
      await appendAudit(tx, {
        ...audit,
        action: "payment.refunded",
        subjectType: "payment",
        subjectId: payment.id,
        subjectUserId: payment.payerId,
        reason: input.note ?? "Paid but never joined (reconciliation)",
        details: {
          findingId: f.id,
          refundId: refund.id,
          amountCents: refund.amountCents,
          ...(f.bookingId ? { bookingId: f.bookingId } : {}),
          ...(f.ticketId ? { ticketId: f.ticketId } : {}),
        },
      });
      return {
        findingId: f.id,
        resolution: "refunded" as const,
        refundId: refund.id,
        message: `Refund of ${formatMoney(refund.amountCents, payment.currency)} recorded; it goes to Stripe now.`,
      };
    });
    if ("changed" in result) {
      throw new AppError(
        "conflict",
        `Nothing was refunded: this finding no longer holds (${result.changed}). It is marked no longer found; reload the page.`,
      );
    }
    nudgeEffects();
    return result;
  }

  // confirm: what Stripe says about the Checkout Session now, read before any lock is taken.
  const payment = seen.paymentId
    ? await db.payment.findUnique({
        where: { id: seen.paymentId },
        select: { id: true, stripeCheckoutSessionId: true },
      })
    : null;
  if (!payment?.stripeCheckoutSessionId) {
    throw new AppError("conflict", "This payment has no Stripe Checkout Session to confirm it from.");
  }
  const api = deps.api ?? (stripeConfigured() ? stripe() : null);
  if (!api) throw new AppError("conflict", "Stripe is not configured: there is nothing to confirm against.");
  const session = await api.checkout.sessions.retrieve(payment.stripeCheckoutSessionId).catch((err: unknown) => {
    if (isMissing(err)) throw new AppError("conflict", "Stripe has no such Checkout Session: nothing to confirm.");
    throw err;
  });
  if (session.payment_status !== "paid") {
    throw new AppError(
      "conflict",
      `Stripe says this checkout is ${session.payment_status} (${session.status ?? "no status"}): there is no payment to confirm.`,
    );
  }
  const paidWith = typeof session.payment_intent === "string" ? session.payment_intent : session.payment_intent?.id;
  if (!seen.stripeId || paidWith !== seen.stripeId) {
    throw new AppError(
      "conflict",
      `Stripe's Checkout Session for this payment was paid with ${paidWith ?? "no payment intent"}, not ${seen.stripeId ?? "the payment this finding is about"}: nothing was confirmed; look at both in Stripe.`,
    );
  }
  const confirmed = await db.$transaction(async (tx) => {
    const f = await lockOpenFinding(tx, input.findingId);
    await settlePaidSession(tx, deps.purchases, session, { occurredAt: new Date(), eventId: `reconcile:${f.id}` });
    const after = await tx.payment.findUniqueOrThrow({
      where: { id: payment.id },
      select: { status: true, reviewReason: true, payerId: true },
    });
    await tx.reconciliationFinding.update({
      where: { id: f.id },
      data: { ...resolvedBy, resolvedAt: new Date(), resolution: "confirmed" },
    });
    await appendAudit(tx, {
      ...audit,
      action: "payment.confirmed",
      subjectType: "payment",
      subjectId: payment.id,
      subjectUserId: after.payerId,
      reason: input.note ?? "Paid in Stripe, not in the ledger (reconciliation)",
      details: { findingId: f.id, checkoutSessionId: session.id, status: after.status },
    });
    return {
      findingId: f.id,
      resolution: "confirmed" as const,
      status: after.status,
      message:
        after.status === "needs_review"
          ? `Applied, but Stripe's checkout does not match the purchase: the payment is flagged for review (${after.reviewReason ?? ""}).`
          : `Payment confirmed: it is ${after.status.replace("_", " ")} now.`,
    };
  });
  nudgeEffects();
  return confirmed;
}

/**
 * An admin dismisses an open alert with a note: it leaves the page's open alerts, and the audit log keeps
 * who, when and why (in the same transaction). An alert already resolved is a 409 that says so. Platform
 * admins only: to a brand's admin an alert does not exist.
 */
export async function dismissAlert(actor: Actor, raw: unknown) {
  assertRole(actor, ["admin"]);
  const input = dismissAlertInput.parse(raw);
  return db.$transaction(async (tx) => {
    const alert = await tx.opsAlert.findUnique({ where: { id: input.alertId }, select: { kind: true, runId: true } });
    // Alerts are the platform's (runs compare every brand): a brand's admin sees none.
    if (!alert || actorsBrandId(actor) !== null) throw new AppError("not_found", "This alert does not exist.");
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
