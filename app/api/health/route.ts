import { route } from "@/lib/http";
import { checkHealth } from "@/lib/ops/health";

export const dynamic = "force-dynamic";

// GET /api/health – whether the database and livekit-server answer (503 when the database does not)
export const GET = route("GET /api/health", async () => {
  const health = await checkHealth();
  return Response.json(health, {
    status: health.status === "down" ? 503 : 200,
    headers: { "cache-control": "no-store" },
  });
});
