/**
 * Two app processes against one database, as production runs N replicas behind a load balancer
 * (README, "Production topology"): the suite's `next start` and a second `next start` of the same build
 * on another port, same environment. Nothing is mocked. With requests spread over both, everything behaves
 * as with one: a sign-in on one is a sign-in on the other, and a sign-out on either ends it on both; of
 * viewers racing for one time, one gets it; rate limits count every replica's requests together; a Stripe
 * webhook delivered to both at once, outbox effects both sweep and ended sessions both sweep take effect once.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLOT_TAKEN } from "@/lib/bookings/service";
import { db } from "@/lib/db";
import { SETTLE_DELAY_MS, sweepSessions } from "@/lib/sessions/lifecycle";
import { ensureRoomSession, windowConfig } from "@/lib/sessions/service";
import { freePort, httpOk, type Service, startService, waitFor } from "../../scripts/services/proc";
import { root } from "../../scripts/services/tools";
import { bookableOffering, hold, mailComposed, sessionFor, signedEvent, traceTypes } from "../helpers/bookings";
import { flushEffects } from "../helpers/effects";
import { createUser, TEST_PASSWORD } from "../helpers/factories";
import { baseUrl, callServerAction, HttpClient } from "../helpers/http";
import { roomAdmin } from "../helpers/room-participant";
import { paidSession, recordPresence } from "../helpers/sessions";

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

/** Both replicas: request i of a spread goes to apps()[i % 2], as a round-robin load balancer sends it. */
const apps = () => [baseUrl(), secondUrl];

/** The kind of refusal a sign-in answered with (the `code` of its redirect), or null when it signed in. */
const refusalOf = (res: Response) => /[?&]code=([a-z_]+)/.exec(res.headers.get("location") ?? "")?.[1] ?? null;

/** A new client at `base` holding a copy of `client`'s session cookie. */
function copyOf(client: HttpClient, base: string) {
  const copy = new HttpClient(base);
  copy.setCookie("authjs.session-token", /authjs\.session-token=([^;]+)/.exec(client.cookieHeader())![1]!);
  return copy;
}

async function sessionUser(client: HttpClient) {
  return ((await (await client.fetch("/api/auth/session")).json()) as { user?: { id: string } } | null)?.user?.id;
}

describe("sign-in across replicas", () => {
  it("a session cookie issued by one replica is accepted by the other; signing out on either ends it on both", async () => {
    const [first, second] = apps() as [string, string];
    for (const [signInOn, signOutOn] of [
      [first, second],
      [second, first],
    ] as const) {
      const user = await createUser();
      const browser = new HttpClient(signInOn);
      await browser.signIn(user.email, TEST_PASSWORD, "198.18.210.1");
      expect(browser.hasSession()).toBe(true);
      // The next requests of the visit land on the other replica: it knows the user.
      const there = browser.at(signOutOn);
      expect(await sessionUser(there)).toBe(user.id);
      expect((await there.fetch("/dashboard")).status).toBe(200);
      // Two copies of the cookie, kept by the replica that issued it (next-auth clears a dead one it is shown).
      const [copy, another] = [copyOf(browser, signInOn), copyOf(browser, signInOn)];

      // The header's "Sign out", handled by the other replica: the replica that issued the cookie refuses it now.
      await callServerAction(there, "lib/auth/actions.ts", "signOutAction", {}, "/dashboard");
      expect(browser.hasSession()).toBe(false);
      expect((await copy.fetch("/dashboard")).headers.get("location")).toMatch(/\/auth\/ended\?reason=revoked$/);
      expect(await sessionUser(another)).toBeUndefined();
      expect(await db.authSession.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
    }
  });
});

describe("holds across replicas", () => {
  it("ten viewers racing for one time through both replicas: exactly one hold wins, every other is told it was taken", async () => {
    const { offering, slots } = await bookableOffering();
    const buyers = await Promise.all(Array.from({ length: 10 }, () => createUser()));
    const clients = await Promise.all(
      buyers.map(async (b, i) => {
        const c = new HttpClient(apps()[i % 2]);
        await c.signIn(b.email, TEST_PASSWORD, `198.18.211.${i + 1}`);
        expect(c.hasSession()).toBe(true);
        return c;
      }),
    );
    const startsAt = slots[3]!;
    const answers = await Promise.all(
      clients.map(async (c, i) => {
        // Each books through the other replica than the one it signed in on.
        const res = await c
          .at(apps()[(i + 1) % 2]!)
          .json("/api/bookings", "POST", { offeringId: offering.id, startsAt: startsAt.toISOString() });
        return { status: res.status, body: (await res.json()) as { bookingId?: string; error?: string } };
      }),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const lost = answers.filter((a) => a.status !== 201);
    expect(lost).toHaveLength(9);
    for (const l of lost) expect(l).toEqual({ status: 409, body: expect.objectContaining({ error: SLOT_TAKEN }) });
    expect(await db.booking.count({ where: { offeringId: offering.id, startsAt } })).toBe(1);
    expect(await db.payment.count({ where: { booking: { offeringId: offering.id } } })).toBe(1);
  });
});

describe("rate limits across replicas", () => {
  it("failed sign-ins spread over both replicas lock the account after as many as on one", async () => {
    const max = Number(process.env.SIGNIN_MAX_FAILURES_PER_ACCOUNT);
    const user = await createUser();
    const answers: (string | null)[] = [];
    // Sequential, alternating replicas, each from another address (the per-IP budget stays out of it).
    for (let i = 0; i < max + 2; i++)
      answers.push(
        refusalOf(await new HttpClient(apps()[i % 2]).signIn(user.email, "not the password", `198.18.212.${i + 1}`)),
      );
    expect(answers).toEqual([...Array(max).fill("invalid"), "rate_limited", "rate_limited"]);
    // Now the right password is refused too, on either replica.
    for (const base of apps())
      expect(refusalOf(await new HttpClient(base).signIn(user.email, TEST_PASSWORD, "198.18.212.100"))).toBe(
        "rate_limited",
      );
  });

  it("join tokens asked for at once through both replicas: exactly the budget is given, the rest refused", async () => {
    const budget = Number(process.env.SESSION_TOKEN_MAX_PER_MINUTE ?? 20);
    const s = await paidSession({ startsInMinutes: 5 });
    const viewer = new HttpClient();
    await viewer.signIn(s.viewer.email, TEST_PASSWORD, "198.18.213.1");
    expect(viewer.hasSession()).toBe(true);
    const statuses = await Promise.all(
      Array.from({ length: budget + 4 }, async (_, i) => {
        const res = await viewer.at(apps()[i % 2]!).json(`/api/sessions/${s.booking.id}/token`, "POST", {});
        await res.body?.cancel();
        return res.status;
      }),
    );
    expect(statuses.filter((x) => x === 200)).toHaveLength(budget);
    expect(statuses.filter((x) => x === 429)).toHaveLength(4);
    expect(await db.participantConnection.count({ where: { roomSession: { bookingId: s.booking.id } } })).toBe(budget);
  });
});

/**
 * A replica's session sweep in a process of its own (tests/helpers/sweep-child.ts): the sweepSessions its timer
 * runs, with its own database pool and outbox, told when to sweep so that two sweep at the same moment.
 * (The suite's replicas run with SESSION_SWEEP_MS=0: their timers would sweep other tests' fixtures with the
 * real clock; these sweep this test's bookings with a chosen one.)
 */
async function startSweeper() {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=react-server",
      "--no-deprecation",
      path.join(root, "tests/helpers/sweep-child.ts"),
    ],
    { cwd: root, env: { ...process.env, LOG_LEVEL: "silent" }, stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const answer = async () => {
    for (;;) {
      const { value, done } = await lines.next();
      if (done) throw new Error(`the sweeper exited (code ${child.exitCode})`);
      if (value.startsWith("{")) return JSON.parse(value) as Record<string, unknown>;
    }
  };
  expect(await answer()).toEqual({ ready: true });
  return {
    /** Sends the command at once; the answer comes when the sweep and its effects are done. */
    sweep(at: Date, bookingIds: string[]) {
      child.stdin!.write(`sweep ${at.toISOString()} ${bookingIds.join(",")}\n`);
      return answer() as Promise<{
        ok: boolean;
        error?: string;
        result?: Record<"warned" | "closed" | "settled", number>;
      }>;
    },
    stop: () => child.kill(),
  };
}

describe("the session sweep on both replicas", () => {
  type Ended = Awaited<ReturnType<typeof paidSession>>;
  /** The three ways a session ends: the creator never showed (a refund), it happened, the viewer never came. */
  const kinds = {
    creatorNoShow: [{ type: "participant.joined", role: "viewer", atMin: 0 }],
    completed: [
      { type: "participant.joined", role: "creator", atMin: -3 },
      { type: "track.published", role: "creator", atMin: -2, source: "microphone" },
      { type: "participant.joined", role: "viewer", atMin: 1 },
    ],
    viewerNoShow: [
      { type: "participant.joined", role: "creator", atMin: 0 },
      { type: "track.published", role: "creator", atMin: 0, source: "camera" },
    ],
  } as const satisfies Record<string, Parameters<typeof recordPresence>[1]>;
  type Kind = keyof typeof kinds;

  /** A paid session ending a minute from now whose room was opened, with LiveKit's record of `kind`. */
  async function ending(kind: Kind) {
    const s = await paidSession({ startsInMinutes: -29, durationMinutes: 30 });
    await ensureRoomSession(s.booking);
    await recordPresence(s, [...kinds[kind]]);
    return s;
  }

  /** The clocks of a session's end for `sessions`: its closing warning, the room's closing, the settlement. */
  function clocks(sessions: Ended[]) {
    const end = Math.max(...sessions.map((s) => s.booking.endsAt.getTime()));
    const closesAt = end + windowConfig().graceMinutes * 60_000;
    return [new Date(end - 60_000), new Date(closesAt), new Date(closesAt + SETTLE_DELAY_MS)];
  }

  /** What a session's end left: its state, its trace, its effects, its refunds and its mail. */
  async function story(s: Ended) {
    const [booking, effects, refunds, mails] = await Promise.all([
      db.booking.findUniqueOrThrow({ where: { id: s.booking.id }, include: { roomSession: true } }),
      db.outboxEffect.findMany({ where: { traceId: s.booking.traceId } }),
      db.refund.findMany({ where: { paymentId: s.payment.id } }),
      db.emailMessage.findMany({ where: { traceId: s.booking.traceId } }),
    ]);
    return {
      status: booking.status,
      outcome: booking.roomSession?.outcome,
      settled: Boolean(booking.roomSession?.settledAt),
      trace: (await traceTypes(s.booking.traceId)).sort(),
      effects: effects.map((e) => `${e.type} ${e.status} after ${e.attempts} attempt(s)`).sort(),
      refunds: refunds.map((r) => `${r.amountCents} ${r.status}`),
      mailTo: mails.map((m) => (m.toAddress === s.viewer.email ? "viewer" : "creator")).sort(),
    };
  }

  // Slow by nature (a minute or more): livekit-server answers a message to a room that is gone only after 3 s,
  // and these sessions' rooms are gone (everyone left), so each warning and closing message waits that long.
  it("two replicas sweeping the same ended sessions at once warn, close and settle each once, as one replica does", async () => {
    // The same sessions, each way of ending: one set swept by one process (this one), the other by two at once.
    const names = Object.keys(kinds) as Kind[];
    const alone = await Promise.all(names.map((k) => ending(k)));
    const raced = await Promise.all([...names, ...names].map((k) => ending(k)));

    for (const at of clocks(alone)) {
      await sweepSessions(at, { bookingIds: alone.map((s) => s.booking.id) });
      await flushEffects();
    }
    const expected = Object.fromEntries(await Promise.all(names.map(async (k, i) => [k, await story(alone[i]!)])));
    // One replica's result, for the record: a no-show refunded and mailed, the others kept; all settled.
    expect(expected).toMatchObject({
      creatorNoShow: { status: "cancelled", outcome: "creator_no_show", settled: true, refunds: ["4000 succeeded"] },
      completed: { status: "completed", outcome: "completed", settled: true, refunds: [] },
      viewerNoShow: { status: "completed", outcome: "viewer_no_show", settled: true, refunds: [] },
    });
    expect(expected.creatorNoShow.mailTo.length).toBeGreaterThan(0);

    const sweepers = await Promise.all([startSweeper(), startSweeper()]);
    try {
      const ids = raced.map((s) => s.booking.id);
      const done = { warned: 0, closed: 0, settled: 0 };
      for (const at of clocks(raced)) {
        const answers = await Promise.all(sweepers.map((w) => w.sweep(at, ids)));
        for (const a of answers) {
          expect(a).toMatchObject({ ok: true });
          for (const k of ["warned", "closed", "settled"] as const) done[k] += a.result![k];
        }
      }
      // Each session was warned, closed and settled by exactly one of the two.
      expect(done).toEqual({ warned: raced.length, closed: raced.length, settled: raced.length });
    } finally {
      for (const w of sweepers) w.stop();
    }
    for (const [i, s] of raced.entries()) expect(await story(s)).toEqual(expected[names[i % names.length]!]);
  }, 180_000);
});
