import { requireUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { readJson, route } from "@/lib/http";
import { banFromCreator, muteChatter, muteParticipantTrack, removeParticipant } from "@/lib/shows/moderation";

const actions = {
  mute: muteParticipantTrack,
  remove: removeParticipant,
  ban: banFromCreator,
  "mute-chat": muteChatter,
} as const;

// POST /api/shows/:id/moderation/(mute|remove|ban|mute-chat) – the show's creator or an admin acts on a
// participant: mute a track, remove them, ban them from the creator, mute them in chat. 204.
export const POST = route(
  "POST /api/shows/:id/moderation/:action",
  async (req, { params }: { params: Promise<{ id: string; action: string }> }) => {
    const { id, action } = await params;
    const run = Object.hasOwn(actions, action) ? actions[action as keyof typeof actions] : undefined;
    if (!run) throw new AppError("not_found", "No such moderation action: use mute, remove, ban or mute-chat.");
    await run(await requireUser(), id, await readJson(req));
    return new Response(null, { status: 204 });
  },
);
