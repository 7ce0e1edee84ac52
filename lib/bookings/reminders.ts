import "server-only";
import { brandLoader } from "@/lib/branding/queries";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { REMINDER_HORIZON_MS, dueReminder } from "@/lib/mail/reminders";
import { enqueueEmails, type OutgoingEmail } from "@/lib/mail/service";
import { formatDateTime, personalZone } from "@/lib/time";

/**
 * Reminders before a confirmed private session, to both sides, with the join link (the sweeper calls this
 * every 30 s). The dedupe key names the booking, the lead and the start, so each reminder goes once, and a
 * rescheduled session gets its own.
 */
export async function sweepBookingReminders(now = new Date()) {
  const bookings = await db.booking.findMany({
    where: { status: "confirmed", startsAt: { gt: now, lte: new Date(now.getTime() + REMINDER_HORIZON_MS) } },
    orderBy: { startsAt: "asc" },
    take: 500,
    select: {
      id: true,
      traceId: true,
      startsAt: true,
      createdAt: true,
      viewerTimeZone: true,
      offering: { select: { title: true } },
      viewer: { select: { name: true, email: true, timeZone: true, brandId: true } },
      creator: { select: { displayName: true, timeZone: true, user: { select: { name: true, email: true } } } },
    },
  });
  const emails: OutgoingEmail[] = [];
  const brandOf = brandLoader(db);
  for (const b of bookings) {
    const lead = dueReminder(now, b.startsAt, b.createdAt);
    if (!lead) continue;
    // Both sides are accounts of one brand (a booking is made on its creator's brand).
    const brand = await brandOf(b.viewer.brandId);
    const join = new URL(`/sessions/${b.id}`, brand.url).toString();
    const sides = [
      {
        side: "viewer",
        to: b.viewer.email,
        name: b.viewer.name,
        zone: personalZone(b.viewer.timeZone, b.viewerTimeZone),
        other: b.creator.displayName,
      },
      {
        side: "creator",
        to: b.creator.user.email,
        name: b.creator.user.name,
        zone: b.creator.timeZone,
        other: b.viewer.name,
      },
    ];
    for (const s of sides) {
      const when = formatDateTime(b.startsAt, s.zone);
      emails.push({
        dedupeKey: `reminder:booking:${b.id}:${lead.name}:${b.startsAt.getTime()}:${s.side}`,
        brandId: brand.id,
        traceId: b.traceId,
        to: s.to,
        subject: `Reminder: ${b.offering.title} with ${s.other} ${lead.words}, ${when}`,
        text: [
          `Hi ${s.name},`,
          "",
          `Your private session "${b.offering.title}" with ${s.other} starts ${lead.words}: ${when} (${s.zone}).`,
          `The room opens ${env.SESSION_JOIN_EARLY_MINUTES} minutes before the start. Join here: ${join}`,
          "",
          `— ${brand.name}`,
          "",
          `You get this email because you have a session booked on ${brand.name}.`,
        ].join("\n"),
      });
    }
  }
  const queued = await enqueueEmails(db, emails);
  if (queued) logger.info({ queued }, "session reminders queued");
  return queued;
}
