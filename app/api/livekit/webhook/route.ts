import { route } from "@/lib/http";
import { processLivekitWebhook } from "@/lib/sessions/webhook";

// POST /api/livekit/webhook – livekit-server's signed room, participant and track events. 401 for a
// missing or forged signature; 200 for duplicates and events about rooms that are not sessions.
export const POST = route("POST /api/livekit/webhook", async (req) => {
  const outcome = await processLivekitWebhook(await req.text(), req.headers.get("authorization"));
  return Response.json({ received: true, ...outcome });
});
