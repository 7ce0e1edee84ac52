import { requireUser } from "@/lib/auth/session";
import { readJson, route } from "@/lib/http";
import { setRecordingRequested } from "@/lib/recordings/request";
import { setRecordingInput } from "@/lib/recordings/schemas";

type Ctx = { params: Promise<{ id: string }> };

// POST /api/sessions/:id/recording – the session's creator starts or stops recording ({on}); policy "on request" only.
export const POST = route("POST /api/sessions/:id/recording", async (req, { params }: Ctx) => {
  const user = await requireUser();
  const { on } = setRecordingInput.parse(await readJson(req));
  return Response.json(await setRecordingRequested(user, (await params).id, on));
});
