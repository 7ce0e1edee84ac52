import { requireUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { readJson, route } from "@/lib/http";
import { issueSessionToken } from "@/lib/sessions/service";

// POST /api/sessions/:id/token – a short-lived LiveKit token for the booking's viewer or creator,
// inside the join window; every refusal is a 403 whose details.reason says why.
export const POST = route(
  "POST /api/sessions/:id/token",
  async (req, { params }: { params: Promise<{ id: string }> }) => {
    const user = await requireUser().catch((err: unknown) => {
      if (err instanceof AppError && err.code === "suspended") throw err.withDetails({ reason: "suspended" });
      throw err;
    });
    // An empty JSON body asks for the defaults; any other content type is refused (415).
    const body = await readJson(req, { emptyAs: {} });
    return Response.json(await issueSessionToken(user, (await params).id, body), {
      headers: { "cache-control": "no-store" },
    });
  },
);
