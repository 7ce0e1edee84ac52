import "server-only";
import { Gauge, Histogram } from "prom-client";
import { db } from "@/lib/db";
import { metrics } from "@/lib/ops/prometheus";
import { computeSessionMetrics, type SessionMetrics, splitByRoomKind } from "./metrics";
import { loadMetricEvents, metricThresholds } from "./queries";

/**
 * GET /metrics: this process's counters (lib/ops/prometheus.ts) plus what PostgreSQL knows, read at scrape
 * time and therefore the same whichever replica is scraped: the outbox's depth and age, how long since
 * each sweep of this process last finished, and the session quality of the last SESSION_WINDOW_HOURS
 * (the numbers /admin/metrics shows, per room kind, beside their thresholds).
 */
export const SESSION_WINDOW_HOURS = 24;

const registry = metrics.registry;
const once = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();

once(
  "booth_outbox_effects",
  () =>
    new Gauge({
      name: "booth_outbox_effects",
      help: "Outbox effects by status: pending (waiting or backing off) and failed (gave up; a person must look).",
      labelNames: ["status"] as const,
      registers: [registry],
      async collect() {
        const rows = await db.outboxEffect.groupBy({
          by: ["status"],
          where: { status: { in: ["pending", "failed"] } },
          _count: { _all: true },
        });
        this.reset();
        this.set({ status: "pending" }, 0);
        this.set({ status: "failed" }, 0);
        for (const r of rows) this.set({ status: r.status }, r._count._all);
      },
    }),
);

once(
  "booth_outbox_oldest_pending_age_seconds",
  () =>
    new Gauge({
      name: "booth_outbox_oldest_pending_age_seconds",
      help: "Age of the oldest pending outbox effect (0 when none is pending).",
      registers: [registry],
      async collect() {
        const oldest = await db.outboxEffect.findFirst({
          where: { status: "pending" },
          orderBy: { createdAt: "asc" },
          select: { createdAt: true },
        });
        this.set(oldest ? Math.max(0, (Date.now() - oldest.createdAt.getTime()) / 1000) : 0);
      },
    }),
);

once(
  "booth_sweep_seconds_since_last_pass",
  () =>
    new Gauge({
      name: "booth_sweep_seconds_since_last_pass",
      help: "Seconds since this process's sweep last finished a pass; well above booth_sweep_interval_seconds means it lags.",
      labelNames: ["sweep"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [sweep, at] of metrics.sweepFinishedAt) this.set({ sweep }, (Date.now() - at) / 1000);
      },
    }),
);

once(
  "booth_sweep_interval_seconds",
  () =>
    new Gauge({
      name: "booth_sweep_interval_seconds",
      help: "How often each sweep runs.",
      labelNames: ["sweep"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [sweep, ms] of metrics.sweepIntervalMs) this.set({ sweep }, ms / 1000);
      },
    }),
);

type RoomKind = "all" | "private" | "group";
type Window = Record<RoomKind, SessionMetrics>;

/** One read of the trace per scrape, shared by the session gauges below. */
let pending: Promise<Window> | null = null;
function sessionWindow(): Promise<Window> {
  pending ??= (async () => {
    const end = new Date();
    const events = await loadMetricEvents(new Date(end.getTime() - SESSION_WINDOW_HOURS * 3_600_000), end);
    const split = splitByRoomKind(events);
    return {
      all: computeSessionMetrics(events),
      private: computeSessionMetrics(split.private),
      group: computeSessionMetrics(split.group),
    };
  })().finally(() => {
    pending = null;
  });
  return pending;
}

const sessionGauge = (name: string, help: string, read: (m: SessionMetrics) => number | null) =>
  once(
    name,
    () =>
      new Gauge({
        name,
        help: `${help} Joins of the last ${SESSION_WINDOW_HOURS} h, by room kind; absent when there were none.`,
        labelNames: ["room_kind"] as const,
        registers: [registry],
        async collect() {
          const w = await sessionWindow();
          this.reset();
          for (const kind of ["all", "private", "group"] as const) {
            const v = read(w[kind]);
            if (v !== null) this.set({ room_kind: kind }, v);
          }
        },
      }),
  );

sessionGauge("booth_session_joins", "Joins counted (presses of Join).", (m) => m.joins);
sessionGauge(
  "booth_session_setup_success_ratio",
  "Setup success: joins that connected / joins.",
  (m) => m.setupSuccessRate,
);
sessionGauge(
  "booth_session_relay_share_ratio",
  "Relay share: connected joins that went through TURN.",
  (m) => m.relayShare,
);
sessionGauge("booth_session_retry_ratio", "Retry rate: joins that needed a second attempt.", (m) => m.retryRate);

once(
  "booth_session_join_to_first_media_seconds",
  () =>
    new Histogram({
      name: "booth_session_join_to_first_media_seconds",
      help: `Join click to the other side's first video frame, over the joins of the last ${SESSION_WINDOW_HOURS} h (recomputed at each scrape: a window, not a running total).`,
      labelNames: ["room_kind"] as const,
      buckets: [0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 20],
      registers: [registry],
      async collect() {
        const w = await sessionWindow();
        this.reset();
        for (const kind of ["all", "private", "group"] as const)
          for (const ms of w[kind].firstMediaMs) this.observe({ room_kind: kind }, ms / 1000);
      },
    }),
);

once(
  "booth_session_metric_threshold",
  () =>
    new Gauge({
      name: "booth_session_metric_threshold",
      help: "The threshold each session metric is held to (ratios as 0..1, times in seconds); alert when crossed.",
      labelNames: ["metric", "kind"] as const,
      registers: [registry],
      collect() {
        const t = metricThresholds();
        this.set({ metric: "setup_success_ratio", kind: "min" }, t.minSetupSuccess);
        this.set({ metric: "relay_share_ratio", kind: "max" }, t.maxRelayShare);
        this.set({ metric: "retry_ratio", kind: "max" }, t.maxRetryRate);
        this.set({ metric: "join_to_first_media_p50_seconds", kind: "max" }, t.maxJoinToMediaP50Ms / 1000);
        this.set({ metric: "join_to_first_media_p95_seconds", kind: "max" }, t.maxJoinToMediaP95Ms / 1000);
      },
    }),
);

/** The exposition text and its content type. */
export async function renderMetrics() {
  return { body: await registry.metrics(), contentType: registry.contentType };
}
