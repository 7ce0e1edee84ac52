import { requireUser } from "@/lib/auth/session";
import { route } from "@/lib/http";
import { cancelTicket } from "@/lib/shows/service";

// POST /api/tickets/:id/cancel – the holder cancels their ticket (by the show's cancellation policy).
export const POST = route(
  "POST /api/tickets/:id/cancel",
  async (_req, { params }: { params: Promise<{ id: string }> }) => {
    return Response.json(await cancelTicket(await requireUser(), (await params).id));
  },
);
