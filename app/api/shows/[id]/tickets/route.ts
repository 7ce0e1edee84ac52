import { requireUser } from "@/lib/auth/session";
import { route } from "@/lib/http";
import { buyTicket } from "@/lib/shows/service";

// POST /api/shows/:id/tickets – hold a seat for the signed-in viewer and open its checkout.
// 201 { ticketId, checkoutUrl }; 200 for a second click on a live hold; 409 sold out, cancelled or over.
export const POST = route(
  "POST /api/shows/:id/tickets",
  async (_req, { params }: { params: Promise<{ id: string }> }) => {
    const result = await buyTicket(await requireUser(), (await params).id);
    return Response.json(result, { status: result.resumed ? 200 : 201 });
  },
);
