import { requireUser } from "@/lib/auth/session";
import { bookSlot } from "@/lib/bookings/service";
import { readJson, route } from "@/lib/http";

// POST /api/bookings – hold a slot for the signed-in user and open its checkout.
// 201 { bookingId, checkoutUrl }; 409 when someone else holds the time; 422 for a time that is not offered.
export const POST = route("POST /api/bookings", async (req) => {
  const user = await requireUser();
  const result = await bookSlot(user, await readJson(req));
  return Response.json(result, { status: result.resumed ? 200 : 201 });
});
