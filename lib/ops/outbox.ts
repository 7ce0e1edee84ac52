import "server-only";
import type { z } from "zod";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logger";
import { deliverSoon } from "@/lib/mail/service";
import { fault } from "./faults";

/**
 * The outbox: effects that must follow a commit (a Stripe refund, closing a checkout, a LiveKit call) are
 * rows written in the same transaction as the change that causes them. A worker claims a row (a lease:
 * a worker that dies lets it go), carries the effect out, and records it done in one transaction with what
 * the effect's answer changes. A failure is retried with back-off. Effects must be safe to repeat (Stripe
 * idempotency keys; LiveKit calls that are no-ops the second time): a worker killed after the effect and
 * before recording it makes the next worker do it again.
 *
 * Who runs what: the process that wrote an effect runs it right after its commit (`nudgeEffects`); the
 * sweep (every OUTBOX_SWEEP_MS, in every app process) takes whatever is left once OUTBOX_GRACE_MS has
 * passed or its back-off ran out. So a crash between commit and effect delays the effect; it never loses it.
 */

const log = logger.child({ module: "outbox" });
type Tx = Prisma.TransactionClient;

/** How an effect is carried out: `run` does the outside call (no transaction open); `done` records its answer. */
export type EffectHandler<P = unknown, R = unknown> = {
  payload: z.ZodType<P>;
  run(payload: P): Promise<R>;
  /** In the transaction that marks the effect done: what the answer changes (a refund's status, a trace event). */
  done?(tx: Tx, payload: P, result: R): Promise<void>;
};
// biome-ignore lint/suspicious/noExplicitAny: a registry of handlers of different payload types
export type EffectHandlers = Record<string, EffectHandler<any, any>>;

/** An effect a domain writes: its type and payload schema (the handler is attached where the app is wired). */
export type EffectKind<P> = { type: string; payload: z.ZodType<P> };
export const defineEffect = <P>(type: string, payload: z.ZodType<P>): EffectKind<P> => ({ type, payload });
export const handle = <P, R>(kind: EffectKind<P>, h: Omit<EffectHandler<P, R>, "payload">): EffectHandlers => ({
  [kind.type]: { payload: kind.payload, ...h },
});

/** Tries before an effect is given up and left to a person (failed, logged as an error). */
export const MAX_EFFECT_ATTEMPTS = 12;
/** Back-off after the n-th failed attempt: 5 s, 10 s, 20 s … capped at 10 minutes. */
export const effectRetryDelayMs = (attempts: number) => Math.min(600_000, 5000 * 2 ** Math.max(0, attempts - 1));

type Registry = {
  handlers: EffectHandlers | null;
  mine: Map<string, number>;
  running: Promise<void> | null;
  again: boolean;
};
const g = globalThis as unknown as { boothOutbox?: Registry };
const registry = (): Registry => (g.boothOutbox ??= { handlers: null, mine: new Map(), running: null, again: false });

/** Wires the handlers of every effect type (lib/runtime); until then effects wait in their rows. */
export function installEffectHandlers(handlers: EffectHandlers) {
  registry().handlers = handlers;
}

/**
 * Writes an effect in the caller's transaction. The same key writes nothing the second time (a retried
 * request, a redelivered webhook). Returns the row's id, or null when it already existed.
 */
export async function enqueueEffect<P>(
  tx: Pick<Tx, "$queryRaw">,
  kind: EffectKind<P>,
  payload: P,
  opts: { key: string; traceId?: string | null },
): Promise<string | null> {
  const sql = effectInsertSql(kind, payload, opts);
  const rows = await tx.$queryRaw<{ id: string }[]>`${sql.insert} ${sql.onConflict}`;
  const id = rows[0]?.id ?? null;
  effectWritten(id);
  return id;
}

/**
 * `INSERT INTO outbox_effects … SELECT <the effect>` for one checked effect, to be completed by the caller
 * (`FROM changed`) inside a data-modifying CTE, so the effect is written in the very statement that makes
 * the change it follows, and only if that change happened. The caller selects the CTE's `RETURNING id`
 * and hands it to `effectWritten` (null when the key existed: nothing new to run).
 */
export function effectInsertSql<P>(kind: EffectKind<P>, payload: P, opts: { key: string; traceId?: string | null }) {
  const checked = kind.payload.parse(payload) as Prisma.InputJsonValue;
  const runAfter = new Date(Date.now() + env.OUTBOX_GRACE_MS);
  return {
    insert: Prisma.sql`INSERT INTO outbox_effects (id, type, "dedupeKey", "traceId", payload, status, attempts, "runAfter", "createdAt", "updatedAt")
      SELECT gen_random_uuid()::text, ${kind.type}, ${opts.key}, ${opts.traceId ?? null}, ${JSON.stringify(checked)}::jsonb,
             'pending'::"EffectStatus", 0, ${runAfter}::timestamp, timezone('utc', now()), timezone('utc', now())`,
    onConflict: Prisma.sql`ON CONFLICT ("dedupeKey") DO NOTHING RETURNING id`,
  };
}

/** An effect written by effectInsertSql: this process runs it after the commit (nudgeEffects), as enqueueEffect's. */
export function effectWritten(id: string | null) {
  if (id) registry().mine.set(id, Date.now());
}

type Claimed = { id: string; type: string; payload: unknown; attempts: number; traceId: string | null };

/** Claims up to `limit` effects: the given ids (whatever their runAfter), or those due. Never one another worker holds. */
async function claim(opts: { ids?: string[]; limit: number }, now = new Date()): Promise<Claimed[]> {
  const lockedUntil = new Date(now.getTime() + env.OUTBOX_LEASE_MS);
  const ids = opts.ids ?? null;
  return db.$queryRaw<Claimed[]>`
    UPDATE outbox_effects SET "lockedUntil" = ${lockedUntil}, attempts = attempts + 1, "updatedAt" = ${now}
    WHERE id IN (
      SELECT id FROM outbox_effects
      WHERE status = 'pending' AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now})
        AND (${ids}::text[] IS NULL OR id = ANY(${ids}::text[]))
        AND (${ids}::text[] IS NOT NULL OR "runAfter" <= ${now})
      ORDER BY "createdAt" LIMIT ${opts.limit} FOR UPDATE SKIP LOCKED)
    RETURNING id, type, payload, attempts, "traceId"`;
}

async function runOne(effect: Claimed, handlers: EffectHandlers): Promise<"done" | "retry" | "failed" | "lost"> {
  const handler = Object.hasOwn(handlers, effect.type) ? handlers[effect.type] : undefined;
  try {
    if (!handler) throw new Error(`no handler for effect type ${effect.type}`);
    const payload = handler.payload.parse(effect.payload);
    const result = await handler.run(payload);
    fault("effects.after-run");
    return await db.$transaction(async (tx) => {
      // Only the worker that still holds the lease records it (one whose lease ran out lost it to another).
      const mine = await tx.$executeRaw`
        UPDATE outbox_effects SET status = 'done', "doneAt" = timezone('utc', now()), "lockedUntil" = NULL,
               "lastError" = NULL, "updatedAt" = timezone('utc', now())
        WHERE id = ${effect.id} AND status = 'pending' AND attempts = ${effect.attempts}`;
      if (mine === 0) return "lost" as const;
      await handler.done?.(tx, payload, result);
      return "done" as const;
    });
  } catch (err) {
    const failed = effect.attempts >= MAX_EFFECT_ATTEMPTS || !handler;
    const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    await db.outboxEffect.updateMany({
      where: { id: effect.id, attempts: effect.attempts },
      data: {
        status: failed ? "failed" : "pending",
        lockedUntil: null,
        lastError: message,
        runAfter: new Date(Date.now() + effectRetryDelayMs(effect.attempts)),
      },
    });
    if (failed)
      log.error(
        { err, effectId: effect.id, type: effect.type, traceId: effect.traceId },
        "effect given up; a person must look",
      );
    else
      log.warn({ err, effectId: effect.id, type: effect.type, attempts: effect.attempts }, "effect failed; will retry");
    return failed ? "failed" : "retry";
  }
}

export type EffectsRun = { done: number; retry: number; failed: number; lost: number };

/**
 * Runs effects now: the given ids, or (without ids) every effect that is due. Returns what happened.
 * Handlers default to the installed ones; an effect whose type has none is left for a process that has it.
 */
export async function runEffects(
  opts: { ids?: string[]; limit?: number; handlers?: EffectHandlers } = {},
): Promise<EffectsRun> {
  const handlers = opts.handlers ?? registry().handlers;
  const totals: EffectsRun = { done: 0, retry: 0, failed: 0, lost: 0 };
  if (!handlers || (opts.ids && opts.ids.length === 0)) return totals;
  const claimed = await claim({ ids: opts.ids, limit: opts.limit ?? 25 });
  for (const effect of claimed) totals[await runOne(effect, handlers)]++;
  return totals;
}

/**
 * After a commit: runs the effects this process wrote, in the background (never throws), and delivers
 * mail. A request calls this and returns; the sweep covers anything it misses.
 */
export function nudgeEffects(): void {
  fault("effects.after-commit");
  deliverSoon();
  const r = registry();
  if (r.running) {
    r.again = true;
    return;
  }
  r.running = runMine()
    .then(() => deliverSoon()) // mail an effect wrote (a confirmation composed after its commit)
    .catch((err: unknown) => log.error({ err }, "outbox pass failed"))
    .finally(() => {
      r.running = null;
      if (r.again) {
        r.again = false;
        nudgeEffects();
      }
    });
}

/** Runs this process's own new effects now and waits (a sweep, a test, a script that exits after). */
export async function runMine() {
  const r = registry();
  if (!r.handlers || r.mine.size === 0) return;
  const ids = [...r.mine.keys()];
  await runEffects({ ids, limit: ids.length });
  // Whatever was tried is no longer this process's to nudge (a failure waits for its back-off and the sweep).
  // An id with no row yet belongs to a transaction still open, or one rolled back: kept a while, then dropped.
  // A row never tried committed after the claim above (its writer's nudge, after that commit, runs it next).
  const rows = await db.outboxEffect.findMany({
    where: { id: { in: ids } },
    select: { id: true, status: true, attempts: true },
  });
  const tried = new Set(rows.filter((row) => row.status !== "pending" || row.attempts > 0).map((row) => row.id));
  const exists = new Set(rows.map((row) => row.id));
  const stale = Date.now() - env.OUTBOX_GRACE_MS;
  for (const id of ids) if (tried.has(id) || (!exists.has(id) && (r.mine.get(id) ?? 0) < stale)) r.mine.delete(id);
}

/** Waits for a nudge that is running (tests and scripts that must see its effects). */
export async function settleNudges() {
  const r = registry();
  while (r.running) await r.running;
}
