import { route } from "@/lib/http";
import { assertMetricsCaller } from "@/lib/ops/metrics-auth";
import { renderMetrics } from "@/lib/support/prometheus";

// GET /metrics – Prometheus's scrape: 404 unless METRICS_TOKEN is set, 401 without that bearer token.
export const dynamic = "force-dynamic";
export const GET = route("GET /metrics", async (req) => {
  assertMetricsCaller(req.headers.get("authorization"));
  const { body, contentType } = await renderMetrics();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});
