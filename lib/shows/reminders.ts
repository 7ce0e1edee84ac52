import "server-only";
import { brandLoader } from "@/lib/branding/queries";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { REMINDER_HORIZON_MS, dueReminder } from "@/lib/mail/reminders";
import { enqueueEmails, type OutgoingEmail } from "@/lib/mail/service";
import { formatDateTime, personalZone } from "@/lib/time";

/**
 * Reminders before a scheduled show, with the room's link: to every paid ticket holder (times in UTC, as
 * on their ticket email) and to the creator (in their zone; the creator's follows the show's creation).
 * Each goes once (dedupe key: show or ticket, lead, start).
 */
export async function sweepShowReminders(now = new Date()) {
  const shows = await db.groupEvent.findMany({
    where: { status: "scheduled", startsAt: { gt: now, lte: new Date(now.getTime() + REMINDER_HORIZON_MS) } },
    orderBy: { startsAt: "asc" },
    take: 200,
    select: {
      id: true,
      traceId: true,
      title: true,
      startsAt: true,
      createdAt: true,
      creator: {
        select: { displayName: true, timeZone: true, user: { select: { name: true, email: true, brandId: true } } },
      },
      tickets: {
        where: { status: "paid" },
        take: 5000,
        select: {
          id: true,
          traceId: true,
          createdAt: true,
          viewer: { select: { name: true, email: true, timeZone: true } },
        },
      },
    },
  });
  const emails: OutgoingEmail[] = [];
  const brandOf = brandLoader(db);
  for (const show of shows) {
    // A show and its tickets belong to its creator's brand.
    const brand = await brandOf(show.creator.user.brandId);
    const room = new URL(`/shows/${show.id}/room`, brand.url).toString();
    const mail = (p: {
      key: string;
      traceId: string;
      to: string;
      name: string;
      zone: string;
      lead: string;
      line: string;
    }) =>
      emails.push({
        dedupeKey: p.key,
        brandId: brand.id,
        traceId: p.traceId,
        to: p.to,
        subject: `Reminder: ${show.title} ${p.lead}, ${formatDateTime(show.startsAt, p.zone)}`,
        text: [
          `Hi ${p.name},`,
          "",
          `${p.line} starts ${p.lead}: ${formatDateTime(show.startsAt, p.zone)} (${p.zone}).`,
          `The room opens ${env.SESSION_JOIN_EARLY_MINUTES} minutes before the start: ${room}`,
          "",
          `— ${brand.name}`,
          "",
          `You get this email because you have a ticket for, or host, this show on ${brand.name}.`,
        ].join("\n"),
      });
    const hostLead = dueReminder(now, show.startsAt, show.createdAt);
    if (hostLead)
      mail({
        key: `reminder:show:${show.id}:${hostLead.name}:${show.startsAt.getTime()}:creator`,
        traceId: show.traceId,
        to: show.creator.user.email,
        name: show.creator.user.name,
        zone: show.creator.timeZone,
        lead: hostLead.words,
        line: `Your live show "${show.title}"`,
      });
    for (const t of show.tickets) {
      const lead = dueReminder(now, show.startsAt, t.createdAt);
      if (!lead) continue;
      mail({
        key: `reminder:ticket:${t.id}:${lead.name}:${show.startsAt.getTime()}`,
        traceId: t.traceId,
        to: t.viewer.email,
        name: t.viewer.name,
        zone: personalZone(t.viewer.timeZone),
        lead: lead.words,
        line: `"${show.title}" with ${show.creator.displayName}`,
      });
    }
  }
  const queued = await enqueueEmails(db, emails);
  if (queued) logger.info({ queued }, "show reminders queued");
  return queued;
}
