import "server-only";
import { brandFrom } from "@/lib/branding/queries";
import { env } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";
import { bookingIcs, icsFilename } from "@/lib/mail/ics";
import { enqueueEmails } from "@/lib/mail/service";
import { formatMoney } from "@/lib/money";
import { formatDateTime, personalZone } from "@/lib/time";

type Tx = Prisma.TransactionClient;

export type TicketEmailKind =
  | { kind: "confirmed" }
  | { kind: "refunded"; refundId: string; amountCents: number }
  /** The show was cancelled (by its creator or support), or the viewer cancelled their ticket. */
  | { kind: "cancelled"; by: "viewer" | "creator" | "admin"; refundCents: number; reason: string | null };

const addressOf = (from: string) => /<([^>]+)>/.exec(from)?.[1] ?? from;

/**
 * The buyer's email about their ticket, written in the caller's transaction: confirmed (with a calendar
 * file in the buyer's zone) or refunded. The dedupe key makes a repeated event mail nothing.
 */
export async function enqueueTicketEmails(tx: Tx, ticketId: string, what: TicketEmailKind) {
  const t = await tx.ticket.findUniqueOrThrow({
    where: { id: ticketId },
    select: {
      id: true,
      traceId: true,
      viewer: { select: { name: true, email: true, timeZone: true, brandId: true } },
      event: {
        select: {
          id: true,
          title: true,
          startsAt: true,
          endsAt: true,
          currency: true,
          creator: { select: { displayName: true } },
        },
      },
    },
  });
  const brand = await brandFrom(tx, t.viewer.brandId);
  const zone = personalZone(t.viewer.timeZone);
  const when = formatDateTime(t.event.startsAt, zone);
  const url = `${brand.url}/shows/${t.event.id}`;
  const lines = [`Hi ${t.viewer.name},`, ""];
  let subject: string;
  let key: string;
  let ics: { filename: string; content: string } | undefined;
  if (what.kind === "confirmed") {
    subject = `Your ticket: ${t.event.title} with ${t.event.creator.displayName}, ${when}`;
    key = `ticket:${t.id}:confirmed`;
    lines.push(`You have a ticket for "${t.event.title}" with ${t.event.creator.displayName} on ${when} (${zone}).`);
    ics = {
      filename: icsFilename(t.event.title),
      content: bookingIcs({
        uid: `ticket-${t.id}@${new URL(env.APP_URL).hostname}`,
        title: `${t.event.title} with ${t.event.creator.displayName}`,
        description: `${t.event.title} on ${brand.name}. ${url}`,
        startsAt: t.event.startsAt,
        endsAt: t.event.endsAt,
        timeZone: zone,
        url,
        organizer: { name: brand.name, email: addressOf(env.MAIL_FROM) },
        status: "confirmed",
        sequence: 0,
        productId: brand.name,
      }),
    };
  } else if (what.kind === "cancelled") {
    subject = what.by === "viewer" ? `Ticket cancelled: ${t.event.title}` : `Cancelled: ${t.event.title}, ${when}`;
    key = `ticket:${t.id}:cancelled:${what.by}`;
    lines.push(
      what.by === "viewer"
        ? `You cancelled your ticket for "${t.event.title}" on ${when}.`
        : `${what.by === "creator" ? t.event.creator.displayName : `${brand.name} support`} cancelled the show "${t.event.title}" on ${when}.${what.reason ? ` Their reason: ${what.reason}` : ""}`,
      what.refundCents > 0
        ? `${formatMoney(what.refundCents, t.event.currency)} is being refunded to you.`
        : "Under the cancellation policy shown at checkout, this late cancellation is not refunded.",
    );
    ics = {
      filename: icsFilename(t.event.title),
      content: bookingIcs({
        uid: `ticket-${t.id}@${new URL(env.APP_URL).hostname}`,
        title: `${t.event.title} with ${t.event.creator.displayName}`,
        description: `${t.event.title} on ${brand.name}. ${url}`,
        startsAt: t.event.startsAt,
        endsAt: t.event.endsAt,
        timeZone: zone,
        url,
        organizer: { name: brand.name, email: addressOf(env.MAIL_FROM) },
        status: "cancelled",
        sequence: 1,
        productId: brand.name,
      }),
    };
  } else {
    subject = `Refund: ${formatMoney(what.amountCents, t.event.currency)} for ${t.event.title}`;
    key = `refund:${what.refundId}:viewer`;
    lines.push(
      `We refunded ${formatMoney(what.amountCents, t.event.currency)} for your ticket to "${t.event.title}" on ${when}. Your bank usually shows it within 5–10 days.`,
    );
  }
  lines.push("", `Details: ${url}`, "", `— ${brand.name}`);
  return enqueueEmails(tx, [
    {
      dedupeKey: key,
      brandId: brand.id,
      traceId: t.traceId,
      to: t.viewer.email,
      subject,
      text: lines.join("\n"),
      ...(ics ? { ics } : {}),
    },
  ]);
}
