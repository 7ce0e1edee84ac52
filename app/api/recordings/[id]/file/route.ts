import { requireUser } from "@/lib/auth/session";
import { route } from "@/lib/http";
import { serveRecordingFile } from "@/lib/recordings/access";

type Ctx = { params: Promise<{ id: string }> };

// GET /api/recordings/:id/file – a recording's file, streamed with range requests, for a signed link made
// for the signed-in user (403 altered or expired), who must still have the right to it (404 otherwise).
export const GET = route("GET /api/recordings/:id/file", async (req, { params }: Ctx) =>
  serveRecordingFile(await requireUser(), (await params).id, req),
);
export const HEAD = GET;
