import { requireUser } from "@/lib/auth/session";
import { rescheduleBooking } from "@/lib/bookings/reschedule";
import { readJson, route } from "@/lib/http";

// POST /api/bookings/:id/reschedule – the viewer, the creator or an admin moves a confirmed booking to another open time.
export const POST = route(
  "POST /api/bookings/:id/reschedule",
  async (req, { params }: { params: Promise<{ id: string }> }) => {
    const user = await requireUser();
    const moved = await rescheduleBooking(user, (await params).id, await readJson(req));
    return Response.json({ id: moved.id, startsAt: moved.startsAt, endsAt: moved.endsAt });
  },
);
