import "server-only";
import { Counter, Histogram, Registry } from "prom-client";
import { AppError } from "@/lib/errors";

/**
 * Booth's Prometheus registry (GET /metrics, lib/support/prometheus.ts renders it). One per process, kept
 * across hot reloads: every app replica is scraped on its own, so counters here count this process only.
 * Metrics read from PostgreSQL at scrape time (outbox depth, session quality) are added by their owners.
 */
const g = globalThis as unknown as { boothMetrics?: ReturnType<typeof create> };

function create() {
  const registry = new Registry();
  registry.setDefaultLabels({ app: "booth" });
  return {
    registry,
    httpRequests: new Counter({
      name: "booth_http_requests_total",
      help: "API requests answered, by route and status code.",
      labelNames: ["route", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "booth_http_request_duration_seconds",
      help: "Time to answer an API request, by route.",
      labelNames: ["route"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    webhookEvents: new Counter({
      name: "booth_webhook_events_total",
      help: "Webhook deliveries: processed, duplicate, ignored (type not handled), flagged (signed but unusable), rejected (bad signature or body: 4xx) or failed (5xx, the sender retries).",
      labelNames: ["provider", "result"] as const,
      registers: [registry],
    }),
    sweepDuration: new Histogram({
      name: "booth_sweep_duration_seconds",
      help: "Time one pass of a background sweep took, by sweep.",
      labelNames: ["sweep", "outcome"] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
      registers: [registry],
    }),
    /** When each sweep last finished a pass (ms since the epoch), for the sweeper-lag gauge. */
    sweepFinishedAt: new Map<string, number>(),
    sweepIntervalMs: new Map<string, number>(),
  };
}

export const metrics = (g.boothMetrics ??= create());

type WebhookResult = "processed" | "duplicate" | "ignored" | "flagged";

/** Counts a webhook delivery by how it ended; one that throws counts as rejected (4xx) or failed, and still throws. */
export async function countWebhook<T extends { result: WebhookResult }>(
  provider: "stripe" | "livekit",
  delivery: Promise<T>,
): Promise<T> {
  try {
    const outcome = await delivery;
    metrics.webhookEvents.inc({ provider, result: outcome.result });
    return outcome;
  } catch (err) {
    metrics.webhookEvents.inc({ provider, result: err instanceof AppError ? "rejected" : "failed" });
    throw err;
  }
}

/** Records a finished sweep pass (its duration and when it ended), for booth_sweep_* metrics. */
export function recordSweep(sweep: string, everyMs: number, startedAt: number, ok: boolean) {
  const now = Date.now();
  metrics.sweepDuration.observe({ sweep, outcome: ok ? "ok" : "failed" }, (now - startedAt) / 1000);
  metrics.sweepFinishedAt.set(sweep, now);
  metrics.sweepIntervalMs.set(sweep, everyMs);
}
