import ical, { type CalendarResponse, type VEvent, type VTimeZone } from "node-ical";
import { describe, expect, it } from "vitest";
import { bookingIcs, icsFilename, type BookingIcsInput } from "@/lib/mail/ics";

const input = (over: Partial<BookingIcsInput> = {}): BookingIcsInput => ({
  uid: "booking-abc@booth.test",
  title: "Portfolio review",
  description: "On Booth",
  url: "https://booth.test/bookings/abc",
  startsAt: new Date("2027-03-28T08:00:00Z"),
  endsAt: new Date("2027-03-28T09:00:00Z"),
  timeZone: "Europe/Lisbon",
  organizer: { name: "Booth", email: "no-reply@booth.test" },
  status: "confirmed",
  sequence: 0,
  productId: "Booth",
  ...over,
});

const components = (text: string) => Object.values(ical.sync.parseICS(text) as CalendarResponse);
const eventOf = (text: string) => components(text).find((c): c is VEvent => c?.type === "VEVENT")!;
const zonesOf = (text: string) =>
  components(text)
    .filter((c): c is VTimeZone => c?.type === "VTIMEZONE")
    .map((z) => z.tzid);

/** The file, parsed, keeps the exact instants, in the given zone, with that zone's definition. */
function expectSessionIn(text: string, booking: BookingIcsInput, zone = booking.timeZone) {
  const e = eventOf(text);
  expect(e.start.toISOString()).toBe(booking.startsAt.toISOString());
  expect(e.end?.toISOString()).toBe(booking.endsAt.toISOString());
  expect(e.start.tz).toBe(zone);
  expect(e.end?.tz).toBe(zone);
  expect(zonesOf(text)).toEqual([zone]);
  expect([e.uid, Number(e.sequence)]).toEqual([booking.uid, booking.sequence]);
  expect(text).toMatch(/^DTSTAMP:\d{8}T\d{6}Z\r?$/m); // always UTC, never a floating time
}

describe("calendar files", () => {
  it("write a Lisbon session in Lisbon time on the day the clocks go forward", () => {
    const booking = input();
    const text = bookingIcs(booking);
    expect(text).toContain("DTSTART;TZID=Europe/Lisbon:20270328T090000"); // 08:00Z is 09:00 WEST
    expect(text).toContain("DTEND;TZID=Europe/Lisbon:20270328T100000");
    expectSessionIn(text, booking);
    expect(text).toMatch(/^METHOD:PUBLISH\r?$/m);
    expect(text).toMatch(/^STATUS:CONFIRMED\r?$/m);
  });

  it("write a session that spans the clock change with the right wall times at each end", () => {
    // 00:30 WET to 02:30 WEST: one hour long, though the wall clock shows two.
    const booking = input({
      startsAt: new Date("2027-03-28T00:30:00Z"),
      endsAt: new Date("2027-03-28T01:30:00Z"),
      sequence: 3,
    });
    const text = bookingIcs(booking);
    expect(text).toContain("DTSTART;TZID=Europe/Lisbon:20270328T003000");
    expect(text).toContain("DTEND;TZID=Europe/Lisbon:20270328T023000");
    expectSessionIn(text, booking);
  });

  it("give the same instant to a New York recipient in their own zone", () => {
    const booking = input({ timeZone: "America/New_York" });
    const text = bookingIcs(booking);
    expect(text).toContain("DTSTART;TZID=America/New_York:20270328T040000");
    expectSessionIn(text, booking);
  });

  it("write New York sessions in winter and in the week the US clocks go forward", () => {
    const winter = input({
      timeZone: "America/New_York",
      startsAt: new Date("2027-01-15T15:00:00Z"),
      endsAt: new Date("2027-01-15T16:00:00Z"),
    });
    const winterText = bookingIcs(winter);
    expect(winterText).toContain("DTSTART;TZID=America/New_York:20270115T100000"); // EST, UTC−5
    expectSessionIn(winterText, winter);

    const dstWeek = input({
      timeZone: "America/New_York",
      startsAt: new Date("2027-03-15T14:00:00Z"),
      endsAt: new Date("2027-03-15T14:45:00Z"),
    });
    const dstText = bookingIcs(dstWeek);
    expect(dstText).toContain("DTSTART;TZID=America/New_York:20270315T100000"); // EDT since 14 March, UTC−4
    expectSessionIn(dstText, dstWeek);
  });

  it("cancel the same event (same UID, higher sequence)", () => {
    const booking = input({ status: "cancelled", sequence: 1 });
    const text = bookingIcs(booking);
    expect(text).toMatch(/^METHOD:CANCEL\r?$/m);
    expect(text).toMatch(/^STATUS:CANCELLED\r?$/m);
    expect(eventOf(text).status).toBe("CANCELLED");
    expectSessionIn(text, booking);
  });

  it("name an alias zone by the canonical name its VTIMEZONE declares", () => {
    const booking = input({ timeZone: "Asia/Calcutta" });
    const text = bookingIcs(booking);
    expect(text).toContain("DTSTART;TZID=Asia/Kolkata:20270328T133000");
    expectSessionIn(text, booking, "Asia/Kolkata");
  });

  it("fall back to UTC times when there is no definition for the zone", () => {
    const booking = input({ timeZone: "Nowhere/Atlantis" });
    const text = bookingIcs(booking);
    expect(text).toContain("DTSTART:20270328T080000Z");
    expect(text).not.toContain("TZID");
    const e = eventOf(text);
    expect([e.start.toISOString(), e.end?.toISOString()]).toEqual([
      booking.startsAt.toISOString(),
      booking.endsAt.toISOString(),
    ]);
  });

  it("name the file safely", () => {
    expect(icsFilename("Café: 1:1 «review»")).toBe("cafe-11-review.ics");
    expect(icsFilename("***")).toBe("session.ics");
  });
});
