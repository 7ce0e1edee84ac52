import { execFile } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { z } from "zod";
import {
  defineEffect,
  effectRetryDelayMs,
  enqueueEffect,
  handle,
  installEffectHandlers,
  MAX_EFFECT_ATTEMPTS,
  runEffects,
  runMine,
} from "@/lib/ops/outbox";
import { createRefundInTx } from "@/lib/payments/refunds";
import { effectHandlers, installEffects } from "@/lib/runtime/effects";
import { cancelBooking } from "@/lib/bookings/service";
import { bookableOffering, deliver, hold, sessionFor, signedEvent, traceTypes } from "../helpers/bookings";
import { flushEffects } from "../helpers/effects";

// Effects after a commit (a Stripe refund here) are outbox rows written in the committing transaction. These
// tests kill a real process (SIGKILL, no cleanup) at the two moments that matter and check that the effect
// happens exactly once afterwards: nothing lost, nothing doubled.

const root = path.resolve(import.meta.dirname, "../..");

/** Runs tests/helpers/outbox-child.ts in its own process with BOOTH_FAULTS set; resolves with how it ended. */
function child(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    // node itself, with tsx as a loader (tsx's CLI would wrap the process and hide the signal it died of).
    const p = execFile(
      process.execPath,
      [
        "--import",
        "tsx",
        "--conditions=react-server",
        "--no-deprecation",
        path.join(root, "tests/helpers/outbox-child.ts"),
        ...args,
      ],
      { cwd: root, env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent", ...env }, timeout: 60_000 },
      () => {},
    );
    let stderr = "";
    p.stderr?.on("data", (d) => {
      stderr += String(d);
    });
    p.on("exit", (code, signal) => resolve({ code, signal, stderr }));
  });
}

async function paidBooking() {
  const { offering, slots, creator } = await bookableOffering();
  const h = await hold(offering.id, slots[1]!);
  await deliver(signedEvent("checkout.session.completed", sessionFor(h.payment)));
  return { ...h, creator };
}
const refundsOf = (paymentId: string) => db.refund.findMany({ where: { paymentId } });

describe("a crash between a commit and its effect loses nothing and doubles nothing", () => {
  it("killed right after the commit: the refund and its effect are stored, and the outbox sends it once", async () => {
    const { bookingId, payment, creator } = await paidBooking();
    // The creator cancels (a full refund) in a process that dies the moment its transaction commits.
    const ended = await child(["cancel", bookingId, creator.user.id], { BOOTH_FAULTS: "effects.after-commit" });
    expect(ended.signal, ended.stderr).toBe("SIGKILL");
    expect(ended.stderr).toMatch(/expected: crash injected at effects.after-commit/);

    const [refund] = await refundsOf(payment.id);
    expect([refund?.status, refund?.stripeRefundId]).toEqual(["requested", null]);
    expect((await db.booking.findUniqueOrThrow({ where: { id: bookingId } })).status).toBe("cancelled");
    const effect = await db.outboxEffect.findUniqueOrThrow({ where: { dedupeKey: `refund:${refund!.id}` } });
    expect([effect.status, effect.attempts]).toEqual(["pending", 0]);
    expect(await traceTypes(payment.traceId)).not.toContain("refund.issued");

    // Another worker (the sweep, any app process) takes it and sends it; a second pass finds nothing to do.
    expect(await runEffects({ ids: [effect.id], handlers: effectHandlers })).toMatchObject({ done: 1 });
    expect(await runEffects({ ids: [effect.id], handlers: effectHandlers })).toMatchObject({ done: 0 });
    const after = await refundsOf(payment.id);
    expect(after.map((r) => [r.status, r.amountCents])).toEqual([["succeeded", 4500]]);
    expect((await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).refundedCents).toBe(4500);
    expect((await traceTypes(payment.traceId)).filter((t) => t === "refund.issued")).toHaveLength(1);
  }, 90_000);

  it("killed after the refund was sent but before it was recorded: the lease runs out, the retry refunds nothing twice", async () => {
    const { payment } = await paidBooking();
    const refund = await db.$transaction((tx) =>
      createRefundInTx(tx, {
        paymentId: payment.id,
        amountCents: 2000,
        reason: "goodwill",
        idempotencyKey: `kill:${payment.id}`,
      }),
    );
    const effect = await db.outboxEffect.findUniqueOrThrow({ where: { dedupeKey: `refund:${refund.id}` } });
    // The worker sends the refund (the test gateway posts Stripe's refund events to the app) and dies.
    // A lease long enough that a loaded machine still checks it before it runs out (the child's start is slow).
    const ended = await child(["run", effect.id], { BOOTH_FAULTS: "effects.after-run", OUTBOX_LEASE_MS: "6000" });
    expect(ended.signal, ended.stderr).toBe("SIGKILL");
    const held = await db.outboxEffect.findUniqueOrThrow({ where: { id: effect.id } });
    expect([held.status, held.attempts, held.lockedUntil !== null]).toEqual(["pending", 1, true]);
    // While the dead worker's lease lasts, nobody else takes it.
    expect(await runEffects({ ids: [effect.id], handlers: effectHandlers })).toMatchObject({ done: 0 });
    const { lockedUntil } = await db.outboxEffect.findUniqueOrThrow({ where: { id: effect.id } });
    await new Promise((r) => setTimeout(r, Math.max(0, lockedUntil!.getTime() - Date.now()) + 100));
    expect(await runEffects({ ids: [effect.id], handlers: effectHandlers })).toMatchObject({ done: 1 });
    const done = await db.outboxEffect.findUniqueOrThrow({ where: { id: effect.id } });
    expect([done.status, done.attempts]).toEqual(["done", 2]);
    const rows = await refundsOf(payment.id);
    expect(rows.map((r) => [r.status, r.amountCents])).toEqual([["succeeded", 2000]]);
    expect((await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).refundedCents).toBe(2000);
    expect((await traceTypes(payment.traceId)).filter((t) => t === "refund.issued")).toHaveLength(1);
  }, 90_000);

  it("killed right after a paid checkout's commit: the confirmation mail is composed once, by the outbox, as it was", async () => {
    const { offering, slots } = await bookableOffering();
    const h = await hold(offering.id, slots[2]!);
    const ev = signedEvent("checkout.session.completed", sessionFor(h.payment));
    // The webhook's transaction commits the confirmation and the effect that mails it; the process dies.
    const ended = await child(["pay", ev.payload, ev.signature], { BOOTH_FAULTS: "effects.after-commit" });
    expect(ended.signal, ended.stderr).toBe("SIGKILL");
    expect((await db.booking.findUniqueOrThrow({ where: { id: h.bookingId } })).status).toBe("confirmed");
    const effect = await db.outboxEffect.findUniqueOrThrow({
      where: { dedupeKey: `booking-mail:${h.bookingId}:confirmed` },
    });
    expect([effect.type, effect.status, effect.attempts]).toEqual(["bookings.mail_confirmed", "pending", 0]);
    const mailsOf = () =>
      db.emailMessage.findMany({ where: { traceId: h.payment.traceId }, orderBy: { dedupeKey: "asc" } });
    expect(await mailsOf()).toEqual([]);

    // Stripe retries the event (no answer came): a duplicate, which writes no second effect.
    expect((await deliver(ev)).body.result).toBe("duplicate");
    expect(await db.outboxEffect.count({ where: { traceId: h.payment.traceId, type: effect.type } })).toBe(1);
    // Another worker runs the effect; a second pass finds nothing to do.
    expect(await runEffects({ ids: [effect.id], handlers: effectHandlers })).toMatchObject({ done: 1 });
    expect(await runEffects({ ids: [effect.id], handlers: effectHandlers })).toMatchObject({ done: 0 });

    const mails = await mailsOf();
    expect(mails.map((m) => [m.dedupeKey, m.toAddress])).toEqual([
      [`booking:${h.bookingId}:confirmed:creator`, expect.any(String)],
      [`booking:${h.bookingId}:confirmed:viewer`, h.viewer.email],
    ]);
    const [toCreator, toViewer] = mails;
    expect(toCreator!.toAddress).not.toBe(h.viewer.email);
    for (const m of mails) {
      expect(m.subject).toMatch(new RegExp(`^Booked: ${offering.title} with `));
      expect(m.textBody).toMatch(/is confirmed for /);
      expect(m.icsContent).toMatch(/BEGIN:VEVENT[\s\S]*STATUS:CONFIRMED/);
      expect(m.icsContent).toMatch(/SEQUENCE:0/);
    }
    expect(toViewer!.textBody).toMatch(/You paid /);
    expect(toCreator!.textBody).not.toMatch(/You paid /);
  }, 90_000);

  it("a booking cancelled before its confirmation mail was composed: the cancellation still carries the file that removes it", async () => {
    const { offering, slots } = await bookableOffering();
    const h = await hold(offering.id, slots[3]!);
    const ev = signedEvent("checkout.session.completed", sessionFor(h.payment));
    const ended = await child(["pay", ev.payload, ev.signature], { BOOTH_FAULTS: "effects.after-commit" });
    expect(ended.signal, ended.stderr).toBe("SIGKILL");
    const effect = await db.outboxEffect.findUniqueOrThrow({
      where: { dedupeKey: `booking-mail:${h.bookingId}:confirmed` },
    });
    await cancelBooking(h.viewer, h.bookingId);
    await flushEffects();
    expect(await runEffects({ ids: [effect.id], handlers: effectHandlers })).toMatchObject({ done: 1 });

    const viewerMails = await db.emailMessage.findMany({
      where: { traceId: h.payment.traceId, toAddress: h.viewer.email },
    });
    const booked = viewerMails.find((m) => m.subject.startsWith("Booked:"));
    const cancelled = viewerMails.find((m) => m.subject.startsWith("Cancelled:"));
    // The later-composed confirmation publishes the event; the cancellation, one SEQUENCE higher, cancels it.
    expect(booked?.icsContent).toMatch(/STATUS:CONFIRMED/);
    expect(booked?.icsContent).toMatch(/SEQUENCE:0/);
    expect(cancelled?.icsContent).toMatch(/METHOD:CANCEL/);
    expect(cancelled?.icsContent).toMatch(/SEQUENCE:1/);
  }, 90_000);

  it("an effect that commits while this process's nudge is running is run by the next nudge, not dropped", async () => {
    const kind = defineEffect("test.gate", z.object({ n: z.number() }));
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    let ran = 0;
    installEffectHandlers({
      ...effectHandlers,
      ...handle(kind, {
        run: async ({ n }) => {
          ran++;
          if (n === 1) await gate;
        },
      }),
    });
    try {
      const key = `gate:${Date.now()}:${Math.random()}`;
      await db.$transaction((tx) => enqueueEffect(tx, kind, { n: 1 }, { key: `${key}:1` }));
      // The second effect's transaction is still open when the nudge claims: it cannot see it yet.
      let commit!: () => void;
      const committing = new Promise<void>((r) => {
        commit = r;
      });
      let second: string | null = null;
      const writer = db.$transaction(async (tx) => {
        second = await enqueueEffect(tx, kind, { n: 2 }, { key: `${key}:2` });
        await committing;
      });
      while (!second) await new Promise((r) => setTimeout(r, 10));
      const nudge = runMine(); // claims the first, whose run waits at the gate
      while (ran === 0) await new Promise((r) => setTimeout(r, 10));
      commit();
      await writer; // committed while the nudge is still running
      open();
      await nudge;
      expect((await db.outboxEffect.findUniqueOrThrow({ where: { id: second! } })).status).toBe("pending");
      await runMine(); // the writer's own nudge after its commit
      expect((await db.outboxEffect.findUniqueOrThrow({ where: { id: second! } })).status).toBe("done");
      expect(ran).toBe(2);
    } finally {
      installEffectHandlers(effectHandlers);
    }
  });

  it("an effect that fails backs off and is retried; after its last attempt it is given up for a person", async () => {
    const kind = defineEffect("test.flaky", z.object({ n: z.number() }));
    const effectId = await db.$transaction((tx) =>
      enqueueEffect(tx, kind, { n: 1 }, { key: `flaky:${Date.now()}:${Math.random()}` }),
    );
    let calls = 0;
    const handlers = handle(kind, {
      run: async () => {
        calls++;
        throw new Error("provider down");
      },
    });
    const before = Date.now();
    expect(await runEffects({ ids: [effectId!], handlers })).toMatchObject({ retry: 1 });
    let row = await db.outboxEffect.findUniqueOrThrow({ where: { id: effectId! } });
    expect([row.status, row.attempts, row.lastError, row.lockedUntil]).toEqual(["pending", 1, "provider down", null]);
    expect(row.runAfter.getTime()).toBeGreaterThanOrEqual(before + effectRetryDelayMs(1) - 1000);
    await db.outboxEffect.update({ where: { id: effectId! }, data: { attempts: MAX_EFFECT_ATTEMPTS - 1 } });
    expect(await runEffects({ ids: [effectId!], handlers })).toMatchObject({ failed: 1 });
    row = await db.outboxEffect.findUniqueOrThrow({ where: { id: effectId! } });
    expect([row.status, row.attempts]).toEqual(["failed", MAX_EFFECT_ATTEMPTS]);
    expect(calls).toBe(2);
    // An effect type with no handler at all is given up at once.
    const orphan = await db.$transaction((tx) =>
      enqueueEffect(
        tx,
        defineEffect("test.nobody", z.object({})),
        {},
        { key: `nobody:${Date.now()}:${Math.random()}` },
      ),
    );
    expect(await runEffects({ ids: [orphan!], handlers })).toMatchObject({ failed: 1 });
    expect((await db.outboxEffect.findUniqueOrThrow({ where: { id: orphan! } })).lastError).toBe(
      "no handler for effect type test.nobody",
    );
  });

  it("an effect whose transaction commits while this process is running its other effects is run by this process", async () => {
    // A busy app process: a pass over its own effects is running while a request's transaction, which wrote
    // another effect, is still open; that transaction commits in the middle of the pass (here: when the pass
    // runs the first effect). The second effect must not count as tried: this process runs it at its next pass,
    // not the sweep half a minute later.
    const first = defineEffect("test.first", z.object({}));
    const late = defineEffect("test.late", z.object({}));
    const key = `${Date.now()}:${Math.random()}`;
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => {
      commit = resolve;
    });
    let lateId: string | null = null;
    const open = db.$transaction(
      async (tx) => {
        lateId = await enqueueEffect(tx, late, {}, { key: `late:${key}` });
        await committed;
      },
      { timeout: 30_000 },
    );
    const ran: string[] = [];
    installEffectHandlers({
      ...effectHandlers,
      ...handle(first, {
        run: async () => {
          ran.push("first");
          commit();
          await open; // the request's transaction has committed before the pass finishes
        },
      }),
      ...handle(late, { run: async () => void ran.push("late") }),
    });
    try {
      await expect.poll(() => lateId).not.toBeNull();
      await db.$transaction((tx) => enqueueEffect(tx, first, {}, { key: `first:${key}` }));
      await runMine();
      expect(ran).toEqual(["first"]);
      // The request's own nudge after its commit: the late effect is still this process's to run.
      await runMine();
      expect(ran).toEqual(["first", "late"]);
      expect(await db.outboxEffect.findUniqueOrThrow({ where: { id: lateId! } })).toMatchObject({
        status: "done",
        attempts: 1,
      });
    } finally {
      installEffects();
    }
  });
});
