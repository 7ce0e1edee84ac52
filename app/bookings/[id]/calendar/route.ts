import { requireUser } from "@/lib/auth/session";
import { getBookingCalendar } from "@/lib/bookings/queries";
import { route } from "@/lib/http";

// GET /bookings/:id/calendar – "Add to calendar": the booking as an .ics file in the asker's time zone.
export const GET = route(
  "GET /bookings/:id/calendar",
  async (_req, { params }: { params: Promise<{ id: string }> }) => {
    const user = await requireUser();
    const file = await getBookingCalendar(user, (await params).id);
    return new Response(file.content, {
      headers: {
        "content-type": "text/calendar; charset=utf-8",
        "content-disposition": `attachment; filename="${file.filename}"`,
        "cache-control": "private, no-store",
      },
    });
  },
);
