/**
 * Two app processes against one database, as production runs N replicas behind a load balancer
 * (README, "Production topology"): the suite's `next start` and a second `next start` of the same build
 * on another port, same environment. Nothing is mocked: a Stripe webhook delivered to both at once and
 * outbox effects both processes sweep must take effect once.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { freePort, httpOk, type Service, startService, waitFor } from "../../scripts/services/proc";
import { root } from "../../scripts/services/tools";
import { bookableOffering, hold, mailComposed, sessionFor, signedEvent, traceTypes } from "../helpers/bookings";
import { baseUrl } from "../helpers/http";
import { roomAdmin } from "../helpers/room-participant";

let second: Service | undefined;
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "booth-two-apps-"));
let secondUrl = "";

beforeAll(async () => {
  const port = await freePort();
  secondUrl = `http://127.0.0.1:${port}`;
  second = startService(
    "next (second replica)",
    path.join(root, "node_modules/.bin/next"),
    ["start", "--port", String(port), "--hostname", "127.0.0.1"],
    // The suite app's environment (this process has it), as a second replica of it: the outbox sweep runs
    // every OUTBOX_SWEEP_MS (5 s) in both.
    {
      env: { ...process.env, NODE_ENV: "production", APP_URL: secondUrl, LOG_LEVEL: "warn" },
      logFile: path.join(logDir, "next-second.log"),
    },
  );
  await waitFor("the second next start", () => httpOk(`${secondUrl}/api/health`), 60_000, second);
}, 90_000);

afterAll(async () => {
  await second?.stop();
  fs.rmSync(logDir, { recursive: true, force: true });
});

async function deliverTo(base: string, ev: { payload: string; signature: string }) {
  const res = await fetch(`${base}/api/stripe/webhook`, {
    method: "POST",
    body: ev.payload,
    headers: { "content-type": "application/json", "stripe-signature": ev.signature },
  });
  return { status: res.status, result: ((await res.json()) as { result?: string }).result };
}

describe("two app processes, one database", () => {
  it("a Stripe event delivered to both replicas at once confirms the booking once and mails once", async () => {
    const { offering, slots } = await bookableOffering();
    const { bookingId, payment } = await hold(offering.id, slots[0]!);
    const ev = signedEvent("checkout.session.completed", sessionFor(payment));
    // Stripe retries a delivery it thinks failed, and a load balancer can send each try to another replica.
    const answers = await Promise.all(
      [baseUrl(), secondUrl, baseUrl(), secondUrl, baseUrl(), secondUrl].map((b) => deliverTo(b, ev)),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.map((a) => a.result).sort()).toEqual([
      "duplicate",
      "duplicate",
      "duplicate",
      "duplicate",
      "duplicate",
      "processed",
    ]);
    const b = await db.booking.findUniqueOrThrow({ where: { id: bookingId }, include: { payments: true } });
    expect(b.status).toBe("confirmed");
    expect(b.payments.map((p) => p.status)).toEqual(["paid"]);
    expect(await traceTypes(b.traceId)).toEqual([
      "booking.held",
      "checkout.created",
      "payment.succeeded",
      "booking.confirmed",
    ]);
    await mailComposed(b.traceId);
    expect(await db.emailMessage.count({ where: { traceId: b.traceId } })).toBe(2);
  });

  it("outbox effects that both replicas sweep are each run once", async () => {
    // Due effects nobody wrote in these processes (as a crashed replica leaves them): only the sweeps run
    // them. The closing warning's effect sends a message to the room (a real LiveKit call, to rooms made for
    // this test) and records "session.warned" on its trace when it is done.
    const tag = `two-apps-${Date.now()}`;
    const n = 40;
    for (let i = 0; i < n; i++) await roomAdmin().createRoom({ name: `${tag}-${i}`, emptyTimeout: 120 });
    const at = new Date().toISOString();
    await db.outboxEffect.createMany({
      data: Array.from({ length: n }, (_, i) => ({
        type: "sessions.warn",
        dedupeKey: `${tag}-${i}`,
        traceId: `${tag}-${i}`,
        payload: {
          roomSessionId: `${tag}-${i}`,
          roomName: `${tag}-${i}`,
          traceId: `${tag}-${i}`,
          at,
          endsAt: at,
          closesAt: at,
        },
        runAfter: new Date(Date.now() - 1000),
      })),
    });
    const mine = { dedupeKey: { startsWith: tag } };
    await expect
      .poll(() => db.outboxEffect.count({ where: { ...mine, status: "done" } }), { timeout: 45_000, interval: 1000 })
      .toBe(n);
    const effects = await db.outboxEffect.findMany({ where: mine, select: { attempts: true, status: true } });
    // Claimed once each: a second claim of the same effect would have counted a second attempt.
    expect(effects.every((e) => e.attempts === 1 && e.status === "done")).toBe(true);
    const warned = await db.traceEvent.groupBy({
      by: ["traceId"],
      where: { traceId: { startsWith: tag }, type: "session.warned" },
      _count: true,
    });
    expect(warned).toHaveLength(n);
    expect(warned.every((w) => w._count === 1)).toBe(true);
  }, 60_000);
});
