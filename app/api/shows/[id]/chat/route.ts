import { requireUser } from "@/lib/auth/session";
import { readJson, route } from "@/lib/http";
import { listChat, sendChat } from "@/lib/shows/chat";

type Ctx = { params: Promise<{ id: string }> };

// GET /api/shows/:id/chat – the recent chat (ticket holders, the creator, admins).
export const GET = route("GET /api/shows/:id/chat", async (_req, { params }: Ctx) => {
  return Response.json(await listChat(await requireUser(), (await params).id), {
    headers: { "cache-control": "no-store" },
  });
});

// POST /api/shows/:id/chat – a message: checked, stored, then sent into the room by the server. 201.
export const POST = route("POST /api/shows/:id/chat", async (req, { params }: Ctx) => {
  const user = await requireUser();
  return Response.json(await sendChat(user, (await params).id, await readJson(req)), { status: 201 });
});
