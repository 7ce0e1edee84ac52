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
  const zone = calendarZone(input.timeZone);
  const calendar = ical({
    prodId: { company: input.productId, product: "bookings", language: "EN" },
    method: input.status === "cancelled" ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH,
    // No calendar-wide zone: with one, ical-generator writes DTSTAMP as a zone-less local time instead of
    // UTC. The generator still adds a VTIMEZONE for each event's own zone.
    timezone: { name: null, generator: () => zone?.vtimezone ?? null },
  });
  calendar.createEvent({
    id: input.uid,
    sequence: input.sequence,
    // Luxon values in the zone: ical-generator writes them as that zone's wall times under the TZID
    // (a bare Date would be written in the server process's own zone under the TZID, which is wrong).
    // Without a known zone, plain Dates are written in UTC ("…Z"): the right instant, shown in local time.
    start: zone ? DateTime.fromJSDate(input.startsAt, { zone: zone.tzid }) : input.startsAt,
    end: zone ? DateTime.fromJSDate(input.endsAt, { zone: zone.tzid }) : input.endsAt,
    timezone: zone?.tzid ?? null,
    stamp: DateTime.utc(),
    summary: input.title,
    description: input.description,
    url: input.url,
    organizer: input.organizer,
    status: input.status === "cancelled" ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  return calendar.toString();
}

/**
 * The zone's VTIMEZONE and the name it declares, or null when there is none for it. Aliases
 * resolve to the canonical name (browsers still report Asia/Calcutta for Asia/Kolkata): a TZID on
 * DTSTART that names no VTIMEZONE in the file is invalid.
 */
function calendarZone(timeZone: string): { tzid: string; vtimezone: string } | null {
  // Each zone's answer never changes while the process runs: read its file once (every booking email builds
  // two calendar files, and the package reads the zone's file from disk, synchronously, on each call).
  if (zoneCache.has(timeZone)) return zoneCache.get(timeZone)!;
  const zone = readCalendarZone(timeZone);
  if (zoneCache.size > 1000) zoneCache.clear();
  zoneCache.set(timeZone, zone);
  return zone;
}

const zoneCache = new Map<string, { tzid: string; vtimezone: string } | null>();

function readCalendarZone(timeZone: string): { tzid: string; vtimezone: string } | null {
  let vtimezone: string | null;
  try {
    vtimezone = getVtimezoneComponent(timeZone);
  } catch {
    return null; // it looks names up in a plain object: "constructor" throws
  }
  const tzid = vtimezone && /^TZID:(.+?)\r?$/m.exec(vtimezone)?.[1];
  return vtimezone && tzid && DateTime.now().setZone(tzid).isValid ? { tzid, vtimezone } : null;
}

/** "Portfolio review" → "portfolio-review.ics" (ASCII, safe in a Content-Disposition header). */
export function icsFilename(title: string): string {
  const base = title
    .normalize("NFKD")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-")
    .slice(0, 60);
  return `${base || "session"}.ics`;
}
