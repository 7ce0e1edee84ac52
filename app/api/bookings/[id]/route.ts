import { requireUser } from "@/lib/auth/session";
import { getBookingForActor } from "@/lib/bookings/queries";
import { route } from "@/lib/http";

// GET /api/bookings/:id – status and payment state of a booking, for its viewer, creator or an admin.
export const GET = route("GET /api/bookings/:id", async (_req, { params }: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  const { booking } = await getBookingForActor(user, (await params).id);
  return Response.json({
    id: booking.id,
    status: booking.status,
    startsAt: booking.startsAt,
    endsAt: booking.endsAt,
    traceId: booking.traceId,
    payments: booking.payments.map((p) => ({
      id: p.id,
      status: p.status,
      amountCents: p.amountCents,
      refundedCents: p.refundedCents,
      currency: p.currency,
      refunds: p.refunds.map((r) => ({ id: r.id, amountCents: r.amountCents, status: r.status, reason: r.reason })),
    })),
  });
});
