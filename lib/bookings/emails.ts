import "server-only";
import { z } from "zod";
import { brandOf } from "@/lib/branding/queries";
import type { Brand, BrandRow } from "@/lib/branding/theme";
import { env } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { BookingStatus } from "@/lib/generated/prisma/enums";
import { bookingIcs, icsFilename } from "@/lib/mail/ics";
import { enqueueEmails, type OutgoingEmail } from "@/lib/mail/service";
import { defineEffect, type EffectHandlers, effectInsertSql, handle } from "@/lib/ops/outbox";
import { formatMoney } from "@/lib/money";
import { formatDateTime } from "@/lib/time";
import { calendarSequence, cancellationPolicyText } from "./policy";

type Tx = Prisma.TransactionClient;

type Side = "viewer" | "creator" | "admin";

export type BookingEmailKind =
  | { kind: "confirmed" }
  /** `reason`: what the person who cancelled typed, told to the other side (an admin's to both). */
  | { kind: "cancelled"; by: Side; refundCents: number; reason?: string }
  | { kind: "refunded"; refundId: string; amountCents: number }
  /** The booking already holds its new time; `from` is the old one. */
  | { kind: "rescheduled"; by: Side; fromStartsAt: Date };

/**
 * The confirmation mail of a paid booking, composed after the commit: the paid checkout's webhook writes only
 * this effect (with the change, in one statement), and the outbox worker reads the booking and writes the two
 * emails (enqueueBookingEmails) in the transaction that records the effect done. A crash in between delays
 * the mail, never loses or doubles it (the effect's and each email's dedupe keys).
 */
export const mailConfirmedBooking = defineEffect("bookings.mail_confirmed", z.object({ bookingId: z.string() }));

/** The effect for `bookingId`, as the confirming statement writes it (effectInsertSql). */
export const confirmedMailEffect = (bookingId: string, traceId: string) =>
  effectInsertSql(mailConfirmedBooking, { bookingId }, { key: `booking-mail:${bookingId}:confirmed`, traceId });

export const bookingEffectHandlers: EffectHandlers = handle(mailConfirmedBooking, {
  run: async () => null,
  done: async (tx, { bookingId }) => {
    await enqueueBookingEmails(tx, bookingId, { kind: "confirmed" });
  },
});

/**
 * Writes the emails about a booking change to both sides, in the caller's transaction, each with a
 * calendar file in the recipient's own time zone. The dedupe key makes a repeated event mail nothing.
 */
export async function enqueueBookingEmails(tx: Tx, bookingId: string, what: BookingEmailKind) {
  const b = await readBookingForEmails(tx, bookingId);
  const brand = b.brand;
  const url = `${brand.url}/bookings/${b.id}`;
  const money = (cents: number) => formatMoney(cents, b.currency);
  // A confirmation composed after a cancellation that followed it (the outbox ran late) still announces the
  // booked time: the cancellation's file, one SEQUENCE higher, replaces it in any order they arrive.
  const cancelled = what.kind === "cancelled" || (what.kind !== "confirmed" && b.status === "cancelled");
  // Same UID in every file; SEQUENCE counts the moves (this one included, its trace event is written
  // first) and one more once cancelled, so each file replaces the one before in the calendar.
  const sequence = calendarSequence(b.reschedules, cancelled);
  // A calendar file only for a booking that is (or was) on the calendars, i.e. was confirmed (its
  // confirmation mail carries the file, even when composed after this one): a refund for a booking that
  // was never confirmed (paid after the time was gone, or after the viewer released it) carries none.
  const onCalendars = what.kind === "confirmed" || b.confirmations > 0;
  const recipients = [
    {
      side: "viewer",
      email: b.viewer.email,
      name: b.viewer.name,
      timeZone: b.viewerTimeZone,
      other: b.creator.displayName,
    },
    {
      side: "creator",
      email: b.creator.user.email,
      name: b.creator.user.name,
      timeZone: b.creator.timeZone,
      other: b.viewer.name,
    },
  ] as const;

  const emails: OutgoingEmail[] = recipients.map((r) => {
    const when = formatDateTime(b.startsAt, r.timeZone);
    const lines: string[] = [`Hi ${r.name},`, ""];
    let subject: string;
    let key: string;
    if (what.kind === "confirmed") {
      subject = `Booked: ${b.offering.title} with ${r.other}, ${when}`;
      key = `booking:${b.id}:confirmed:${r.side}`;
      lines.push(
        `Your private session "${b.offering.title}" with ${r.other} is confirmed for ${when} (${r.timeZone}).`,
      );
      if (r.side === "viewer")
        lines.push(`You paid ${money(b.priceCents)}.`, "", cancellationPolicyText(b.freeCancellationHours));
    } else if (what.kind === "cancelled") {
      subject = `Cancelled: ${b.offering.title} with ${r.other}, ${when}`;
      key = `booking:${b.id}:cancelled:${r.side}`;
      const by =
        what.by === r.side
          ? "You cancelled"
          : what.by === "admin"
            ? `${brand.name} support cancelled`
            : `${r.other} cancelled`;
      lines.push(`${by} the session "${b.offering.title}" on ${when} (${r.timeZone}).`);
      if (what.reason && what.by !== r.side) lines.push("", `Their reason: “${what.reason}”`);
      if (r.side === "viewer")
        lines.push(
          what.refundCents > 0
            ? `${money(what.refundCents)} is being refunded to you.`
            : "Under the cancellation policy shown at checkout, this late cancellation is not refunded.",
        );
    } else if (what.kind === "rescheduled") {
      subject = `Moved: ${b.offering.title} with ${r.other}, now ${when}`;
      key = `booking:${b.id}:rescheduled:${sequence}:${r.side}`;
      const by =
        what.by === r.side ? "You moved" : what.by === "admin" ? `${brand.name} support moved` : `${r.other} moved`;
      lines.push(
        `${by} the session "${b.offering.title}" from ${formatDateTime(what.fromStartsAt, r.timeZone)} to ${when} (${r.timeZone}).`,
        "The attached calendar file updates the event in your calendar.",
      );
      if (r.side === "viewer")
        lines.push(
          "",
          `The price stays ${money(b.priceCents)}, already paid; nothing more is charged.`,
          cancellationPolicyText(b.freeCancellationHours),
        );
    } else {
      subject = `Refund: ${money(what.amountCents)} for ${b.offering.title}`;
      key = `refund:${what.refundId}:${r.side}`;
      lines.push(
        r.side === "viewer"
          ? `We refunded ${money(what.amountCents)} for "${b.offering.title}" on ${when}. Your bank usually shows it within 5–10 days.`
          : `${money(what.amountCents)} of ${r.other}'s payment for "${b.offering.title}" on ${when} was refunded.`,
      );
    }
    lines.push("", `Details: ${url}`, "", `— ${brand.name}`);
    const ics = onCalendars
      ? bookingCalendarFile(
          { ...b, viewerName: b.viewer.name, creatorName: b.creator.displayName },
          brand,
          r.timeZone,
          cancelled,
          sequence,
        )
      : null;
    return {
      dedupeKey: key,
      brandId: brand.id,
      traceId: b.traceId,
      to: r.email,
      subject,
      text: lines.join("\n"),
      ...(ics ? { ics } : {}),
    };
  });
  return enqueueEmails(tx, emails);
}

/**
 * The booking, the people its emails go to, how often it moved (the calendar SEQUENCE), whether it was
 * confirmed (calendar files only then) and the brand's stored settings, in one query (a
 * Prisma include of these four relations is five queries, and every booking change that mails, a paid
 * checkout's webhook first of all, reads it inside its transaction).
 */
async function readBookingForEmails(tx: Tx, bookingId: string) {
  const [row] = await tx.$queryRaw<
    {
      id: string;
      currency: string;
      status: string;
      traceId: string;
      startsAt: Date;
      endsAt: Date;
      viewerTimeZone: string;
      priceCents: number;
      freeCancellationHours: number;
      offeringTitle: string;
      viewerName: string;
      viewerEmail: string;
      creatorDisplayName: string;
      creatorTimeZone: string;
      creatorEmail: string;
      creatorName: string;
      reschedules: number;
      confirmations: number;
      brandId: string;
      brandUrl: string | null;
      brandRow: BrandRow | null;
    }[]
  >`
    SELECT b.id, b.currency, b.status::text AS status, b."traceId", b."startsAt", b."endsAt",
           -- The viewer's own zone (account settings) over the one the booking was made in.
           COALESCE(v."timeZone", b."viewerTimeZone") AS "viewerTimeZone",
           b."priceCents", b."freeCancellationHours", o.title AS "offeringTitle",
           v.name AS "viewerName", v.email AS "viewerEmail",
           c."displayName" AS "creatorDisplayName", c."timeZone" AS "creatorTimeZone",
           cu.email AS "creatorEmail", cu.name AS "creatorName",
           (SELECT count(*)::int FROM trace_events t
             WHERE t."traceId" = b."traceId" AND t.type = 'booking.rescheduled') AS reschedules,
           (SELECT count(*)::int FROM trace_events t
             WHERE t."traceId" = b."traceId" AND t.type = 'booking.confirmed') AS confirmations,
           -- The brand of the booking's people (one brand: it was booked on it), and its stored look.
           v."brandId", (SELECT url FROM brands WHERE id = v."brandId") AS "brandUrl",
           (SELECT row_to_json(s) FROM brand_settings s WHERE s.id = v."brandId") AS "brandRow"
      FROM bookings b
      JOIN offerings o ON o.id = b."offeringId"
      JOIN users v ON v.id = b."viewerId"
      JOIN creator_profiles c ON c.id = b."creatorId"
      JOIN users cu ON cu.id = c."userId"
     WHERE b.id = ${bookingId}`;
  if (!row) throw new Error(`booking ${bookingId} not found for its emails`);
  const { brandRow, brandId, brandUrl, ...rest } = row;
  return {
    ...rest,
    brand: brandOf(brandId, brandUrl, brandRow),
    status: row.status as BookingStatus,
    offering: { title: row.offeringTitle },
    viewer: { name: row.viewerName, email: row.viewerEmail },
    creator: {
      displayName: row.creatorDisplayName,
      timeZone: row.creatorTimeZone,
      user: { email: row.creatorEmail, name: row.creatorName },
    },
  };
}

function addressOf(from: string) {
  return /<([^>]+)>/.exec(from)?.[1] ?? from;
}

/**
 * A booking's calendar file in `timeZone` (one UID per booking, so a move or a CANCEL with a higher
 * `sequence` replaces the event): attached to the emails and offered as "Add to calendar" on the booking page.
 */
export function bookingCalendarFile(
  b: { id: string; startsAt: Date; endsAt: Date; offering: { title: string }; viewerName: string; creatorName: string },
  brand: Pick<Brand, "name" | "url">,
  timeZone: string,
  cancelled: boolean,
  sequence: number,
) {
  const url = `${brand.url}/bookings/${b.id}`;
  const content = bookingIcs({
    uid: `booking-${b.id}@${new URL(env.APP_URL).hostname}`,
    title: `${b.offering.title}: ${b.viewerName} with ${b.creatorName}`,
    description: `${b.offering.title} on ${brand.name}. ${url}`,
    startsAt: b.startsAt,
    endsAt: b.endsAt,
    timeZone,
    url,
    organizer: { name: brand.name, email: addressOf(env.MAIL_FROM) },
    status: cancelled ? "cancelled" : "confirmed",
    sequence,
    productId: brand.name,
  });
  return { filename: icsFilename(b.offering.title), content };
}
