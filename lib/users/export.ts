import "server-only";
import type { Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";

/**
 * "Download my data": what Booth keeps about the signed-in user, as JSON. Never a password hash, token or
 * another person's contact details. Read in one query through the user's own relations (a deliberate
 * exception to "call the other domain's queries": the export is, by nature, every domain's rows about one
 * person). Not included, and said so in the file: reports others filed about the user and moderation notes.
 */
export async function exportMyData(actor: Pick<Actor, "id">) {
  const user = await db.user.findUniqueOrThrow({
    where: { id: actor.id },
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      status: true,
      createdAt: true,
      emailVerifiedAt: true,
      termsVersion: true,
      termsAcceptedAt: true,
      timeZone: true,
      // Whether two-step sign-in is on, and since when; never its secret or recovery codes.
      totpEnabledAt: true,
      creatorProfile: {
        select: { slug: true, displayName: true, bio: true, avatarUrl: true, timeZone: true, published: true },
      },
      applications: { select: { displayName: true, pitch: true, status: true, decisionNote: true, createdAt: true } },
      bookings: {
        orderBy: { startsAt: "desc" },
        select: {
          id: true,
          startsAt: true,
          endsAt: true,
          status: true,
          priceCents: true,
          currency: true,
          viewerTimeZone: true,
          cancelReason: true,
          createdAt: true,
          offering: { select: { title: true } },
          creator: { select: { displayName: true } },
        },
      },
      tickets: {
        select: { id: true, status: true, createdAt: true, event: { select: { title: true, startsAt: true } } },
      },
      tipsSent: {
        select: { id: true, amountCents: true, currency: true, message: true, status: true, createdAt: true },
      },
      payments: {
        select: {
          id: true,
          kind: true,
          amountCents: true,
          currency: true,
          status: true,
          paidAt: true,
          createdAt: true,
        },
      },
      reportsFiled: { select: { id: true, reason: true, details: true, context: true, status: true, createdAt: true } },
      authSessions: { select: { createdAt: true, expiresAt: true, revokedAt: true } },
    },
  });
  return {
    exportedAt: new Date().toISOString(),
    notIncluded:
      "Reports other people filed about you and moderators' notes are not included. Connection records of live sessions are kept with each session and available on request.",
    ...user,
  };
}
