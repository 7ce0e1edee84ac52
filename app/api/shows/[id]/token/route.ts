import { requireUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { readJson, route } from "@/lib/http";
import { issueShowToken } from "@/lib/shows/live";

type Ctx = { params: Promise<{ id: string }> };

// POST /api/shows/:id/token – a LiveKit token for the show's creator (publishes) or a ticket holder (watches;
// on stage: camera and microphone), inside the join window; refusals are 403s whose details.reason says why.
export const POST = route("POST /api/shows/:id/token", async (req, { params }: Ctx) => {
  const user = await requireUser().catch((err: unknown) => {
    if (err instanceof AppError && err.code === "suspended") throw err.withDetails({ reason: "suspended" });
    throw err;
  });
  const body = await readJson(req, { emptyAs: {} });
  return Response.json(await issueShowToken(user, (await params).id, body), {
    headers: { "cache-control": "no-store" },
  });
});
