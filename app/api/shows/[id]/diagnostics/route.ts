import { requireUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { readTextCapped, route } from "@/lib/http";
import { MAX_DIAGNOSTICS_BODY } from "@/lib/sessions/schemas";
import { recordShowDiagnostics } from "@/lib/shows/live";

// POST /api/shows/:id/diagnostics – a show room's batched client reports (as /api/sessions/:id/diagnostics).
export const POST = route(
  "POST /api/shows/:id/diagnostics",
  { maxBodyBytes: MAX_DIAGNOSTICS_BODY },
  async (req, { params }: { params: Promise<{ id: string }> }) => {
    const user = await requireUser();
    if (!/^application\/json\b/i.test(req.headers.get("content-type") ?? "")) {
      throw new AppError("unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
    }
    const text = await readTextCapped(
      req,
      MAX_DIAGNOSTICS_BODY,
      `A diagnostics batch may be at most ${MAX_DIAGNOSTICS_BODY} bytes; send fewer events per batch.`,
    );
    return Response.json(await recordShowDiagnostics(user, (await params).id, text), { status: 202 });
  },
);
