/**
 * Calendar files for booking emails (pure). The event is written in the recipient's IANA zone, with
 * TZID on DTSTART/DTEND and a VTIMEZONE block, so calendars show it right even across DST changes.
 */
import { getVtimezoneComponent } from "@touch4it/ical-timezones";
import ical, { ICalCalendarMethod, ICalEventStatus } from "ical-generator";
import { DateTime } from "luxon";

export type BookingIcsInput = {
  uid: string;
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  url: string;
  organizer: { name: string; email: string };
  status: "confirmed" | "cancelled";
  /** Bumped for each change of the same event (a cancellation replaces the confirmation). */
  sequence: number;
  productId: string;
};

export function bookingIcs(input: BookingIcsInput): string {
  const calendar = ical({
    prodId: { company: input.productId, product: "bookings", language: "EN" },
    method: input.status === "cancelled" ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH,
    timezone: { name: input.timeZone, generator: getVtimezoneComponent },
  });
  calendar.createEvent({
    id: input.uid,
    sequence: input.sequence,
    // Luxon values in the zone: ical-generator writes them as wall times with TZID (a bare Date would be
    // written as UTC digits under a TZID, which is wrong).
    start: DateTime.fromJSDate(input.startsAt, { zone: input.timeZone }),
    end: DateTime.fromJSDate(input.endsAt, { zone: input.timeZone }),
    timezone: input.timeZone,
    stamp: DateTime.utc(),
    summary: input.title,
    description: input.description,
    url: input.url,
    organizer: input.organizer,
    status: input.status === "cancelled" ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  return calendar.toString();
}

/** "Portfolio review" → "portfolio-review.ics" (ASCII, safe in a Content-Disposition header). */
export function icsFilename(title: string) {
  const base = title.normalize("NFKD").replace(/[^\w\s-]/g, "").trim().toLowerCase().replace(/[\s_]+/g, "-").slice(0, 60);
  return `${base || "session"}.ics`;
}
