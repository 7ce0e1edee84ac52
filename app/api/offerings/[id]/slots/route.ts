import { getOpenSlots } from "@/lib/bookings/queries";
import { getRequestBrandId } from "@/lib/branding/queries";
import { slotRangeInput } from "@/lib/bookings/schemas";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http";

// GET /api/offerings/:id/slots?from=ISO&days=14 – open start times (UTC instants) of a private session.
export const GET = route(
  "GET /api/offerings/:id/slots",
  async (req, { params }: { params: Promise<{ id: string }> }) => {
    const url = new URL(req.url);
    const range = slotRangeInput.parse({
      from: url.searchParams.get("from") ?? undefined,
      days: url.searchParams.get("days") ?? undefined,
    });
    const result = await getOpenSlots((await params).id, range, await getRequestBrandId());
    if (!result) throw new AppError("not_found", "This session is not on sale.");
    return Response.json({
      creatorTimeZone: result.creatorTimeZone,
      slots: result.slots.map((s) => ({ startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() })),
    });
  },
);
