import { requireUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { readJson, route } from "@/lib/http";
import { issueSessionToken } from "@/lib/sessions/service";
import { serverTiming, timed, withTimings } from "@/lib/timing";

// POST /api/sessions/:id/token – a short-lived LiveKit token for the booking's viewer or creator,
// inside the join window; every refusal is a 403 whose details.reason says why.
export const POST = route("POST /api/sessions/:id/token", (req, { params }: { params: Promise<{ id: string }> }) =>
  withTimings(async () => {
    const user = await timed("auth", () =>
      requireUser().catch((err: unknown) => {
        if (err instanceof AppError && err.code === "suspended") throw err.withDetails({ reason: "suspended" });
        throw err;
      }),
    );
    // An empty JSON body asks for the defaults; any other content type is refused (415).
    const body = await timed("body", () => readJson(req, { emptyAs: {} }));
    const answer = await issueSessionToken(user, (await params).id, body);
    const timing = serverTiming();
    return Response.json(answer, {
      headers: { "cache-control": "no-store", ...(timing ? { "server-timing": timing } : {}) },
    });
  }),
);
