import { requireUser } from "@/lib/auth/session";
import { route } from "@/lib/http";
import { getStage, raiseHand } from "@/lib/shows/stage";

type Ctx = { params: Promise<{ id: string }> };

// GET /api/shows/:id/stage – the queue and who is on stage (the creator sees every raised hand).
export const GET = route("GET /api/shows/:id/stage", async (_req, { params }: Ctx) => {
  return Response.json(await getStage(await requireUser(), (await params).id), {
    headers: { "cache-control": "no-store" },
  });
});

// POST /api/shows/:id/stage – a ticket holder raises a hand. 201 with the request id.
export const POST = route("POST /api/shows/:id/stage", async (_req, { params }: Ctx) => {
  return Response.json(await raiseHand(await requireUser(), (await params).id), { status: 201 });
});
