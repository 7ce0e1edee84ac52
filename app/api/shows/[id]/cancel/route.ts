import { requireUser } from "@/lib/auth/session";
import { readJson, route } from "@/lib/http";
import { cancelShow } from "@/lib/shows/service";

// POST /api/shows/:id/cancel – the creator or an admin cancels a show: every ticket refunded, once.
export const POST = route(
  "POST /api/shows/:id/cancel",
  async (req, { params }: { params: Promise<{ id: string }> }) => {
    return Response.json(
      await cancelShow(await requireUser(), (await params).id, await readJson(req, { emptyAs: {} })),
    );
  },
);
