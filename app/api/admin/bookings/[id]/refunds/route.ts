import { requireRole } from "@/lib/auth/session";
import { adminRefundBooking } from "@/lib/bookings/service";
import { readJson, route } from "@/lib/http";

// POST /api/admin/bookings/:id/refunds – an admin refunds part or all of a booking's payment.
export const POST = route(
  "POST /api/admin/bookings/:id/refunds",
  async (req, { params }: { params: Promise<{ id: string }> }) => {
    const admin = await requireRole("admin");
    const refund = await adminRefundBooking(admin, (await params).id, await readJson(req));
    return Response.json(
      { refund: { id: refund.id, amountCents: refund.amountCents, status: refund.status } },
      { status: 201 },
    );
  },
);
