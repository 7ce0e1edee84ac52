import { requireUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { readTextCapped, route } from "@/lib/http";
import { recordDiagnostics } from "@/lib/sessions/diagnostics";
import { MAX_DIAGNOSTICS_BODY } from "@/lib/sessions/schemas";

// POST /api/sessions/:id/diagnostics – the room page's batched client reports (ICE path, first media,
// reconnects, device errors). Participants only; bounded in size (413) and rate (429).
export const POST = route(
  "POST /api/sessions/:id/diagnostics",
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
    const result = await recordDiagnostics(user, (await params).id, text);
    return Response.json(result, { status: 202 });
  },
);
