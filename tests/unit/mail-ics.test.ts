import ical, { type VEvent } from "node-ical";
import { describe, expect, it } from "vitest";
import { bookingIcs, icsFilename } from "@/lib/mail/ics";

const input = (over: Partial<Parameters<typeof bookingIcs>[0]> = {}) => ({
  uid: "booking-abc@booth.test", title: "Portfolio review", description: "On Booth", url: "https://booth.test/bookings/abc",
  startsAt: new Date("2027-03-28T08:00:00Z"), endsAt: new Date("2027-03-28T09:00:00Z"), timeZone: "Europe/Lisbon",
  organizer: { name: "Booth", email: "no-reply@booth.test" }, status: "confirmed" as const, sequence: 0, productId: "Booth", ...over,
});
const eventOf = (text: string) => Object.values(ical.sync.parseICS(text)).find((c) => c?.type === "VEVENT") as VEvent;

describe("calendar files", () => {
  it("write the session in the recipient's zone, on the day Lisbon moves its clocks", () => {
    const text = bookingIcs(input());
    expect(text).toContain("DTSTART;TZID=Europe/Lisbon:20270328T090000"); // 08:00Z is 09:00 WEST
    expect(text).toMatch(/BEGIN:VTIMEZONE\r?\nTZID:Europe\/Lisbon/);
    const e = eventOf(text);
    expect(new Date(e.start).toISOString()).toBe("2027-03-28T08:00:00.000Z");
    expect(new Date(e.end!).toISOString()).toBe("2027-03-28T09:00:00.000Z");
    expect(e.start.tz).toBe("Europe/Lisbon");
    expect([e.uid, String(e.sequence)]).toEqual(["booking-abc@booth.test", "0"]);
    expect(text).toMatch(/METHOD:PUBLISH/);
  });

  it("give the same instant to a New York recipient in their own zone", () => {
    const text = bookingIcs(input({ timeZone: "America/New_York" }));
    expect(text).toContain("DTSTART;TZID=America/New_York:20270328T040000");
    const e = eventOf(text);
    expect(new Date(e.start).toISOString()).toBe("2027-03-28T08:00:00.000Z");
    expect(e.start.tz).toBe("America/New_York");
  });

  it("cancel the same event (same UID, higher sequence)", () => {
    const text = bookingIcs(input({ status: "cancelled", sequence: 1 }));
    expect(text).toMatch(/METHOD:CANCEL/);
    expect(text).toMatch(/STATUS:CANCELLED/);
    expect(eventOf(text).uid).toBe("booking-abc@booth.test");
  });

  it("name the file safely", () => {
    expect(icsFilename("Café: 1:1 «review»")).toBe("cafe-11-review.ics");
    expect(icsFilename("***")).toBe("session.ics");
  });
});
