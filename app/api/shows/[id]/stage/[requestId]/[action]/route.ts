import { requireUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http";
import { acceptStage, endStage, inviteToStage } from "@/lib/shows/stage";

const actions = { invite: inviteToStage, accept: acceptStage, end: endStage } as const;

// POST /api/shows/:id/stage/:requestId/(invite|accept|end) – the creator invites or sends back; the viewer
// accepts (after their device check) or declines and steps down.
export const POST = route(
  "POST /api/shows/:id/stage/:requestId/:action",
  async (_req, { params }: { params: Promise<{ id: string; requestId: string; action: string }> }) => {
    const { id, requestId, action } = await params;
    const run = Object.hasOwn(actions, action) ? actions[action as keyof typeof actions] : undefined;
    if (!run) throw new AppError("not_found", "No such stage action: use invite, accept or end.");
    await run(await requireUser(), id, requestId);
    return new Response(null, { status: 204 });
  },
);
