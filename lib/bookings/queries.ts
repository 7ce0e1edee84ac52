import "server-only";
import { db } from "@/lib/db";

/** The viewer's own bookings, soonest first; only ever the signed-in user's. */
export async function listViewerBookings(viewerId: string) {
  return db.booking.findMany({
    where: { viewerId, status: { notIn: ["expired"] } },
    orderBy: { startsAt: "asc" },
    take: 100,
    select: {
      id: true, startsAt: true, endsAt: true, status: true, priceCents: true, currency: true,
      offering: { select: { title: true } },
      creator: { select: { displayName: true, slug: true } },
    },
  });
}
