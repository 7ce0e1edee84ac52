import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { appendTrace, type TraceEventInput } from "@/lib/trace/service";
import { bookableOffering, deliver, hold, sessionFor, signedEvent } from "../helpers/bookings";
import { createUser } from "../helpers/factories";

// GET /metrics on the running app (METRICS_TOKEN is set by scripts/test.ts), scraped as Prometheus does,
// and livekit-server's own metrics port. Other test files write to the same database at the same time,
// so the assertions compare a scrape before and after this file's own writes and ask for at least its share.

const TOKEN = process.env.METRICS_TOKEN!;
const scrape = async (token: string | null = TOKEN) =>
  fetch(`${process.env.BOOTH_BASE_URL}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
const text = async () => {
  const res = await scrape();
  expect(res.status).toBe(200);
  return res.text();
};

/** The value of one sample, by metric name and labels (all of them, in any order); 0 when absent. */
function sample(body: string, name: string, labels: Record<string, string> = {}) {
  for (const line of body.split("\n")) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}

describe("GET /metrics", () => {
  it("answers only with the bearer token, in Prometheus's text format", async () => {
    const none = await scrape(null);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: string }).error).toMatch(/Bearer/);
    expect((await scrape("not-the-metrics-token-at-all")).status).toBe(401);
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    expect(body).toContain("# TYPE booth_http_requests_total counter");
    expect(body).toContain("# TYPE booth_http_request_duration_seconds histogram");
    // The thresholds the session metrics are held to (the documented defaults).
    expect(sample(body, "booth_session_metric_threshold", { metric: "setup_success_ratio", kind: "min" })).toBe(0.95);
    expect(sample(body, "booth_session_metric_threshold", { metric: "relay_share_ratio", kind: "max" })).toBe(0.3);
  });

  it("counts requests per route and status, and webhook deliveries by outcome", async () => {
    const before = await text();
    const route = { route: "POST /api/stripe/webhook" };
    // Rejected (forged signature, 400), ignored (a type Booth does not handle), processed then duplicate.
    const forged = signedEvent("customer.created", { id: "cus_x" }, { secret: "whsec_not_the_real_secret_000000" });
    expect((await deliver(forged)).status).toBe(400);
    expect((await deliver(signedEvent("customer.created", { id: "cus_1", object: "customer" }))).status).toBe(200);
    const { offering, slots } = await bookableOffering();
    const { payment } = await hold(offering.id, slots[0]!);
    const paid = signedEvent("checkout.session.completed", sessionFor(payment));
    expect((await deliver(paid)).body.result).toBe("processed");
    expect((await deliver(paid)).body.result).toBe("duplicate");

    const after = await text();
    const grew = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    for (const result of ["rejected", "ignored", "processed", "duplicate"])
      expect(grew("booth_webhook_events_total", { provider: "stripe", result }), result).toBeGreaterThanOrEqual(1);
    expect(grew("booth_http_requests_total", { ...route, status: "400" })).toBeGreaterThanOrEqual(1);
    expect(grew("booth_http_requests_total", { ...route, status: "200" })).toBeGreaterThanOrEqual(3);
    expect(grew("booth_http_request_duration_seconds_count", route)).toBeGreaterThanOrEqual(4);
  });

  it("reports the outbox's depth and the age of its oldest pending effect", async () => {
    // Pending for two minutes and not due for an hour, so no worker takes it while we look.
    const effect = await db.outboxEffect.create({
      data: {
        type: "tests.metrics_probe",
        dedupeKey: `metrics-probe:${crypto.randomUUID()}`,
        createdAt: new Date(Date.now() - 120_000),
        runAfter: new Date(Date.now() + 3_600_000),
      },
    });
    try {
      const body = await text();
      expect(sample(body, "booth_outbox_effects", { status: "pending" })).toBeGreaterThanOrEqual(1);
      expect(sample(body, "booth_outbox_oldest_pending_age_seconds")).toBeGreaterThanOrEqual(120);
    } finally {
      await db.outboxEffect.delete({ where: { id: effect.id } });
    }
  });

  it("reports the last day's session quality: a direct join with its first frame after 2.5 s", async () => {
    const before = await text();
    const traceId = crypto.randomUUID();
    const viewer = await createUser();
    const joinId = `j-${traceId}`;
    const at = (ms: number) => new Date(Date.now() - 60_000 + ms);
    const e = (type: TraceEventInput["type"], ms: number, payload: Record<string, unknown>) =>
      appendTrace({
        traceId,
        type,
        source: type.startsWith("client.") ? "client" : "app",
        actorId: viewer.id,
        occurredAt: at(ms),
        payload: { role: "viewer", seq: 1, attempt: 1, joinId, ...payload } as TraceEventInput["payload"],
      });
    await e("token.issued", 0, { policy: "all", roomName: `booth-${traceId}`, expiresAt: at(300_000).toISOString() });
    await e("client.ice_selected", 800, { localCandidateType: "host", protocol: "udp" });
    await e("client.first_media", 2500, { msFromJoin: 2500 });

    const after = await text();
    const grew = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    const all = { room_kind: "all" };
    expect(grew("booth_session_joins", all)).toBeGreaterThanOrEqual(1);
    expect(sample(after, "booth_session_setup_success_ratio", all)).toBeGreaterThan(0);
    // The join lands in the histogram's (2, 3] bucket: counted from le="3" on, not at le="2".
    expect(grew("booth_session_join_to_first_media_seconds_count", all)).toBeGreaterThanOrEqual(1);
    const inBucket = (body: string) =>
      sample(body, "booth_session_join_to_first_media_seconds_bucket", { ...all, le: "3" }) -
      sample(body, "booth_session_join_to_first_media_seconds_bucket", { ...all, le: "2" });
    expect(inBucket(after) - inBucket(before)).toBeGreaterThanOrEqual(1);
  });

  it("livekit-server serves its own Prometheus metrics on its metrics port", async () => {
    const res = await fetch(process.env.LIVEKIT_PROMETHEUS_URL!);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^livekit_/m);
  });
});
