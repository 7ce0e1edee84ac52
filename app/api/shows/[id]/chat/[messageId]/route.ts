import { requireUser } from "@/lib/auth/session";
import { route } from "@/lib/http";
import { deleteChatMessage } from "@/lib/shows/moderation";

// DELETE /api/shows/:id/chat/:messageId – the creator or an admin deletes a message (gone for everyone).
export const DELETE = route(
  "DELETE /api/shows/:id/chat/:messageId",
  async (_req, { params }: { params: Promise<{ id: string; messageId: string }> }) => {
    const { id, messageId } = await params;
    await deleteChatMessage(await requireUser(), id, messageId);
    return new Response(null, { status: 204 });
  },
);
