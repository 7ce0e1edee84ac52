import { requireUser } from "@/lib/auth/session";
import { cancelBooking } from "@/lib/bookings/service";
import { readJson, route } from "@/lib/http";

// POST /api/bookings/:id/cancel – the viewer, the creator or an admin cancels; refunds follow the policy.
export const POST = route(
  "POST /api/bookings/:id/cancel",
  async (req, { params }: { params: Promise<{ id: string }> }) => {
    const user = await requireUser();
    return Response.json(await cancelBooking(user, (await params).id, await readJson(req)));
  },
);
