import { readText, route } from "@/lib/http";
import { countWebhook } from "@/lib/ops/prometheus";
import { rooms } from "@/lib/runtime/rooms";
import { processLivekitWebhook } from "@/lib/sessions/webhook";

// POST /api/livekit/webhook – livekit-server's signed room, participant and track events. 401 for a
// missing or forged signature; 200 for duplicates and events about rooms that are not sessions.
// livekit-server calls it (no cookie, no Origin): the signature, not the origin, is what is checked.
export const POST = route(
  "POST /api/livekit/webhook",
  { callers: "signed-webhook", maxBodyBytes: 64 * 1024 },
  async (req) => {
    const outcome = await countWebhook(
      "livekit",
      processLivekitWebhook(await readText(req), req.headers.get("authorization"), rooms),
    );
    return Response.json({ received: true, ...outcome });
  },
);
