import { z } from "zod";
import { requireUser } from "@/lib/auth/session";
import { readJson, route } from "@/lib/http";
import { singleLine } from "@/lib/schemas/text";
import { createTip } from "@/lib/tips/service";

const tipRoom = z.object({ room: z.object({ kind: z.enum(["booking", "show"]), id: singleLine().min(1).max(64) }) });

// POST /api/tips – a viewer tips the creator of the live room they are in. 201 { tipId, checkoutUrl }
// (opened in a new tab); the tip shows in the room once Stripe's signed webhook confirms it.
export const POST = route("POST /api/tips", async (req) => {
  const user = await requireUser();
  const body = (await readJson(req)) as Record<string, unknown>;
  const { room } = tipRoom.parse(body);
  return Response.json(await createTip(user, room, body), { status: 201 });
});
