import crypto from "node:crypto";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ZodError } from "zod";
import type { Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { roomNameFor } from "@/lib/sessions/rules/token-policy";
import { getSessionMetrics, getSessionStory, searchSessions } from "@/lib/support/queries";
import { appendTrace, type TraceEventInput } from "@/lib/trace/service";
import { TEST_PASSWORD, createUser } from "../helpers/factories";
import { HttpClient } from "../helpers/http";
import { paidSession } from "../helpers/sessions";

// The support page and the metrics page against the running app: data written straight to PostgreSQL
// (room and connection rows as the webhooks would leave them, trace events through appendTrace), then
// read over HTTP as an admin's browser would.

async function signedIn(user: { email: string }) {
  const client = new HttpClient();
  await client.signIn(user.email, TEST_PASSWORD, `198.51.100.${Math.floor(Math.random() * 250) + 1}`);
  expect(client.hasSession()).toBe(true);
  return client;
}
const page = async (client: HttpClient, path: string) => {
  const res = await client.fetch(path);
  return { status: res.status, html: await res.text() };
};
/** The rendered element with this data-testid, opening tag to its closing tag (no nesting of the same tag inside). */
function element(html: string, testId: string, tag = "li") {
  const m = new RegExp(`<${tag}[^>]*data-testid="${testId}"[^>]*>[\\s\\S]*?</${tag}>`).exec(html);
  expect(m, `element ${testId}`).not.toBeNull();
  return m![0];
}
const statusOf = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: unknown) => (e instanceof AppError ? e.status : "crash"),
  );

/**
 * A paid session the two sides attended: the viewer directly (its connection row carries the path,
 * as the diagnostics endpoint leaves it), the creator through TURN/UDP after the direct attempt gave
 * up at 5 s (known only from the trace).
 */
async function attendedSession() {
  const s = await paidSession({ startsInMinutes: -5 });
  const tag = crypto.randomBytes(6).toString("hex");
  const t0 = new Date(s.booking.startsAt.getTime() - 60_000);
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const room = await db.roomSession.create({
    data: {
      bookingId: s.booking.id,
      traceId: s.booking.traceId,
      roomName: roomNameFor(s.booking.id),
      livekitRoomSid: `RM_${tag}`,
      status: "active",
      startedAt: at(0),
    },
  });
  const viewerJoin = `join-v-${tag}`;
  const creatorJoin = `join-c-${tag}`;
  await db.participantConnection.create({
    data: {
      roomSessionId: room.id,
      userId: s.viewer.id,
      identity: s.viewer.id,
      role: "viewer",
      joinId: viewerJoin,
      attempt: 1,
      iceTransportPolicy: "all",
      livekitParticipantSid: `PA_${tag}`,
      tokenIssuedAt: at(0),
      signalConnectedAt: at(150),
      joinedAt: at(200),
      localCandidateType: "host",
      remoteCandidateType: "host",
      protocol: "udp",
      firstMediaAt: at(812),
      firstMediaMs: 812,
    },
  });
  const base = { traceId: s.booking.traceId } as const;
  const events: TraceEventInput[] = [
    {
      ...base,
      type: "payment.succeeded",
      source: "stripe",
      occurredAt: at(-3_600_000),
      payload: {
        checkoutSessionId: s.payment.stripeCheckoutSessionId!,
        paymentIntentId: s.payment.stripePaymentIntentId,
        amountCents: 4000,
        currency: "EUR",
        eventId: `evt_${tag}`,
      },
    },
    {
      ...base,
      type: "token.issued",
      source: "app",
      actorId: s.viewer.id,
      occurredAt: at(0),
      payload: {
        role: "viewer",
        seq: 1,
        attempt: 1,
        policy: "all",
        joinId: viewerJoin,
        roomName: room.roomName,
        expiresAt: at(300_000).toISOString(),
      },
    },
    {
      ...base,
      type: "participant.joined",
      source: "livekit",
      actorId: s.viewer.id,
      occurredAt: at(200),
      payload: {
        role: "viewer",
        seq: 1,
        attempt: 1,
        policy: "all",
        joinId: viewerJoin,
        identity: s.viewer.id,
        participantSid: `PA_${tag}`,
        webhookId: `wh_${tag}`,
      },
    },
    {
      ...base,
      type: "token.issued",
      source: "app",
      actorId: s.creator.user.id,
      occurredAt: at(1000),
      payload: {
        role: "creator",
        seq: 1,
        attempt: 1,
        policy: "all",
        joinId: creatorJoin,
        roomName: room.roomName,
        expiresAt: at(300_000).toISOString(),
      },
    },
    {
      ...base,
      type: "client.signal_connected",
      source: "client",
      actorId: s.creator.user.id,
      occurredAt: at(1100),
      payload: { role: "creator", seq: 1, attempt: 1, joinId: creatorJoin },
    },
    {
      ...base,
      type: "client.attempt_failed",
      source: "client",
      actorId: s.creator.user.id,
      occurredAt: at(6000),
      payload: { role: "creator", seq: 1, attempt: 1, joinId: creatorJoin, stage: "ice", afterMs: 5000 },
    },
    {
      ...base,
      type: "token.issued",
      source: "app",
      actorId: s.creator.user.id,
      occurredAt: at(6010),
      payload: {
        role: "creator",
        seq: 2,
        attempt: 2,
        policy: "relay",
        joinId: creatorJoin,
        roomName: room.roomName,
        expiresAt: at(300_000).toISOString(),
      },
    },
    {
      ...base,
      type: "client.ice_selected",
      source: "client",
      actorId: s.creator.user.id,
      occurredAt: at(6500),
      payload: {
        role: "creator",
        seq: 2,
        attempt: 2,
        joinId: creatorJoin,
        localCandidateType: "relay",
        remoteCandidateType: "host",
        protocol: "udp",
        relayProtocol: "udp",
        relayUrl: "turn:127.0.0.1:3478?transport=udp",
      },
    },
    {
      ...base,
      type: "client.first_media",
      source: "client",
      actorId: s.creator.user.id,
      occurredAt: at(7200),
      payload: { role: "creator", seq: 2, attempt: 2, joinId: creatorJoin, msFromJoin: 7200 },
    },
    {
      ...base,
      type: "participant.left",
      source: "livekit",
      actorId: s.viewer.id,
      occurredAt: at(600_000),
      payload: {
        role: "viewer",
        seq: 1,
        attempt: 1,
        policy: "all",
        joinId: viewerJoin,
        identity: s.viewer.id,
        participantSid: `PA_${tag}`,
        disconnectReason: "CLIENT_INITIATED",
        webhookId: `wh2_${tag}`,
      },
    },
  ];
  for (const e of events) await appendTrace(e);
  return { ...s, room, tag };
}

let admin: Actor;
let adminClient: HttpClient;
beforeAll(async () => {
  admin = await createUser({ role: "admin", name: "Support Admin" });
  adminClient = await signedIn(admin);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("only admins see sessions and metrics", () => {
  it("a viewer and a creator get 403 on the support pages and from the queries", async () => {
    const s = await paidSession();
    for (const who of [s.viewer, s.creator.user]) {
      const client = await signedIn(who);
      for (const path of [
        `/admin/sessions/${s.booking.id}`,
        `/admin/sessions?q=${encodeURIComponent(s.viewer.email)}`,
        "/admin/metrics",
      ]) {
        expect((await client.fetch(path)).status, `${who.role} on ${path}`).toBe(403);
      }
      expect(await statusOf(getSessionStory(who, s.booking.id))).toBe(403);
      expect(await statusOf(searchSessions(who, s.viewer.email))).toBe(403);
      expect(await statusOf(getSessionMetrics(who, {}))).toBe(403);
    }
    const anonymous = await new HttpClient().fetch(`/admin/sessions/${s.booking.id}`);
    expect(anonymous.status).toBe(307);
    expect(anonymous.headers.get("location")).toContain("/signin");
  });
});

describe("support search", () => {
  it("finds the session by every key support may be handed", async () => {
    const s = await attendedSession();
    const keys: [string, string][] = [
      ["viewer email (any case, part of it)", s.viewer.email.toUpperCase().slice(0, -4)],
      ["creator email", s.creator.user.email],
      ["booking id", s.booking.id],
      ["Stripe checkout", s.payment.stripeCheckoutSessionId!],
      ["Stripe payment intent", s.payment.stripePaymentIntentId!],
      ["room name", s.room.roomName],
      ["room SID", `RM_${s.tag}`],
      ["participant SID", `PA_${s.tag}`],
    ];
    for (const [what, q] of keys) {
      const { status, html } = await page(adminClient, `/admin/sessions?q=${encodeURIComponent(q)}`);
      expect(status).toBe(200);
      expect(html, what).toContain(`data-testid="session-${s.booking.id}"`);
      expect(html).toContain(`href="/admin/sessions/${s.booking.id}"`);
    }
    // Another session is not in the results of this one's ids.
    const other = await paidSession();
    const { html } = await page(adminClient, `/admin/sessions?q=RM_${s.tag}`);
    expect(html).not.toContain(`data-testid="session-${other.booking.id}"`);
    const found = await searchSessions(admin, `PA_${s.tag}`);
    expect(found.results.map((r) => [r.id, r.matchedBy])).toEqual([[s.booking.id, "participant SID"]]);
  });

  it("says what is wrong with a query that is too short, and what to do with nothing found", async () => {
    const short = await page(adminClient, "/admin/sessions?q=a");
    expect(short.status).toBe(200);
    expect(short.html).toContain('data-testid="search-problem"');
    expect(short.html).toContain("type at least 2 characters");
    await expect(searchSessions(admin, " x ")).rejects.toBeInstanceOf(ZodError);
    const none = await page(
      adminClient,
      `/admin/sessions?q=${encodeURIComponent(`pi_nothing_${crypto.randomUUID()}`)}`,
    );
    expect(none.html).toContain("No session matches");
    const empty = await page(adminClient, "/admin/sessions");
    expect(empty.html).toContain("Paste what the customer gave you");
  });
});

describe("the session page", () => {
  it("tells the story: who paid, a verdict per side, paths, first media and one timeline", async () => {
    const s = await attendedSession();
    const { status, html } = await page(adminClient, `/admin/sessions/${s.booking.id}`);
    expect(status).toBe(200);
    expect(element(html, "verdict-viewer", "p")).toContain("connected directly (host/udp); first video after 0.8 s");
    expect(element(html, "verdict-creator", "p")).toContain(
      "connected through TURN/UDP after the direct attempt failed for 5.0 s; first video after 7.2 s",
    );
    const viewerConnections = element(html, "connections-viewer", "table");
    expect(viewerConnections).toContain("First media");
    expect(viewerConnections).toContain(">host/udp<");
    expect(viewerConnections).toContain("812 ms");
    expect(viewerConnections).toContain("CLIENT_INITIATED");
    const creatorConnections = element(html, "connections-creator", "table");
    expect(creatorConnections).toContain("relay/udp via TURN/UDP");
    expect(creatorConnections).toContain("failed: ice after 5.0 s");
    expect(creatorConnections).toContain("7200 ms");
    expect(element(html, "who-paid", "dd")).toContain(s.viewer.email);
    const timeline = element(html, "timeline", "ol");
    const order = [
      "Paid €40.00 (Stripe)",
      "Token issued to the viewer (attempt 1, direct first)",
      "Viewer joined (LiveKit)",
      "Token issued to the creator (attempt 2, relay only)",
      "Creator&#x27;s path: relay TURN/UDP",
      "Creator&#x27;s first video after 7200 ms",
      "Viewer left: CLIENT_INITIATED",
    ];
    const positions = order.map((line) => timeline.indexOf(line));
    expect(
      positions.every((p) => p >= 0),
      JSON.stringify(positions),
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(html).toContain("No recording");
    expect(html).toContain(`RM_${s.tag}`);
  });

  it("a side that never allowed the camera, and a side that never came", async () => {
    const s = await paidSession();
    await appendTrace({
      traceId: s.booking.traceId,
      type: "client.device_error",
      source: "client",
      actorId: s.viewer.id,
      payload: { role: "viewer", device: "camera", error: "denied", name: "NotAllowedError" },
    });
    const { html } = await page(adminClient, `/admin/sessions/${s.booking.id}`);
    expect(element(html, "verdict-viewer", "p")).toContain("never allowed the camera");
    expect(element(html, "verdict-creator", "p")).toContain("never joined");
    expect(html).toContain("Never opened (no token was issued)");
  });

  it("an unknown booking is a 404", async () => {
    expect((await adminClient.fetch(`/admin/sessions/nope-${crypto.randomUUID()}`)).status).toBe(404);
  });
});

describe("the metrics page", () => {
  // trace_events is append-only and shared by every test: this period is far in the past so only
  // this fixture lives there, and the assertions hold even if a rerun adds the fixture again.
  const from = "2020-01-01";
  const to = "2020-01-07";

  async function breachingFixture() {
    const traceId = crypto.randomUUID();
    const viewer = await createUser();
    const creator = await createUser({ role: "creator" });
    const at = (ms: number) => new Date(Date.parse("2020-01-03T12:00:00Z") + ms);
    const e = (actorId: string, type: TraceEventInput["type"], ms: number, payload: Record<string, unknown>) =>
      appendTrace({
        traceId,
        type,
        source: type.startsWith("client.") ? "client" : "app",
        actorId,
        occurredAt: at(ms),
        payload: payload as TraceEventInput["payload"],
      });
    // The creator: direct failed, relay retry connected, first video after 9 s (over both p50 and p95 limits).
    await e(creator.id, "token.issued", 0, {
      role: "creator",
      seq: 1,
      attempt: 1,
      policy: "all",
      joinId: `jc-${traceId}`,
      roomName: `booth-${traceId}`,
      expiresAt: at(300_000).toISOString(),
    });
    await e(creator.id, "client.attempt_failed", 5000, {
      role: "creator",
      seq: 1,
      attempt: 1,
      joinId: `jc-${traceId}`,
      stage: "ice",
      afterMs: 5000,
    });
    await e(creator.id, "token.issued", 5010, {
      role: "creator",
      seq: 2,
      attempt: 2,
      policy: "relay",
      joinId: `jc-${traceId}`,
      roomName: `booth-${traceId}`,
      expiresAt: at(300_000).toISOString(),
    });
    await e(creator.id, "client.ice_selected", 6000, {
      role: "creator",
      seq: 2,
      attempt: 2,
      joinId: `jc-${traceId}`,
      localCandidateType: "relay",
      protocol: "udp",
      relayProtocol: "udp",
    });
    await e(creator.id, "client.first_media", 9000, {
      role: "creator",
      seq: 2,
      attempt: 2,
      joinId: `jc-${traceId}`,
      msFromJoin: 9000,
    });
    // The viewer: never reached the server.
    await e(viewer.id, "token.issued", 100, {
      role: "viewer",
      seq: 1,
      attempt: 1,
      policy: "all",
      joinId: `jv-${traceId}`,
      roomName: `booth-${traceId}`,
      expiresAt: at(300_000).toISOString(),
    });
    await e(viewer.id, "client.attempt_failed", 5100, {
      role: "viewer",
      seq: 1,
      attempt: 1,
      joinId: `jv-${traceId}`,
      stage: "signaling",
      afterMs: 5000,
    });
  }

  it("shows each metric with its threshold, a breach in red, and logs it as a warning", async () => {
    await breachingFixture();
    const { status, html } = await page(adminClient, `/admin/metrics?from=${from}&to=${to}`);
    expect(status).toBe(200);
    // Defaults (lib/env-schema.ts): success ≥ 95 %, relay ≤ 30 %, retry ≤ 20 %, p50 ≤ 3000 ms, p95 ≤ 8000 ms.
    const success = element(html, "metric-setupSuccessRate");
    expect(success).toContain('data-breached="true"');
    expect(success).toContain("text-red-700");
    expect(success).toContain("below threshold");
    expect(success).toContain("at least 95.0 %");
    for (const key of ["relayShare", "retryRate", "joinToFirstMediaP50Ms", "joinToFirstMediaP95Ms"]) {
      const m = element(html, `metric-${key}`);
      expect(m, key).toContain('data-breached="true"');
      expect(m, key).toContain("text-red-700");
      expect(m, key).toContain("above threshold");
    }
    const causes = element(html, "failures-by-cause", "table");
    expect(causes).toMatch(/data-testid="cause-signaling"><td[^>]*>Signaling<\/td><td[^>]*>[1-9]/);

    const warn = vi.spyOn(logger, "warn");
    const r = await getSessionMetrics(admin, { from, to });
    expect(r.metrics.relayShare).toBe(1);
    const breached = warn.mock.calls
      .filter((c) => c[1] === "session metric breached threshold")
      .map((c) => (c[0] as { metric: string }).metric);
    expect(breached.sort()).toEqual([
      "joinToFirstMediaP50Ms",
      "joinToFirstMediaP95Ms",
      "relayShare",
      "retryRate",
      "setupSuccessRate",
    ]);
  });

  it("an empty period says there is no data, and a reversed period says what to fix", async () => {
    const empty = await page(adminClient, "/admin/metrics?from=2001-01-01&to=2001-01-02");
    expect(empty.html).toContain("No joins in this period");
    expect(element(empty.html, "metric-setupSuccessRate")).toContain('data-breached="false"');
    expect(element(empty.html, "metric-setupSuccessRate")).toContain("no data");
    const reversed = await page(adminClient, "/admin/metrics?from=2020-02-01&to=2020-01-01");
    expect(reversed.status).toBe(200);
    expect(reversed.html).toContain("The period starts after it ends");
    const defaults = await page(adminClient, "/admin/metrics");
    expect(defaults.status).toBe(200);
    expect(defaults.html).toContain(`value="${new Date().toISOString().slice(0, 10)}"`);
  });
});
