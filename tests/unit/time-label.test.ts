import { describe, expect, it } from "vitest";
import { timeZoneLabel } from "@/lib/time";

describe("time zones in words", () => {
  const winter = new Date("2027-01-15T12:00:00Z");
  it("names the zone as people say it, with the place the id names, instead of the raw id", () => {
    expect(timeZoneLabel("America/New_York", winter)).toBe("Eastern Time (New York)");
    expect(timeZoneLabel("Asia/Tokyo", winter)).toBe("Japan Standard Time (Tokyo)");
    expect(timeZoneLabel("America/Argentina/Buenos_Aires", winter)).toBe("Argentina Standard Time (Buenos Aires)");
    expect(timeZoneLabel("UTC", winter)).toBe("UTC");
  });
  it("falls back to the place and offset, or the id itself when it is unknown", () => {
    expect(timeZoneLabel("Etc/GMT+5", winter)).toBe("GMT-05:00");
    expect(timeZoneLabel("Mars/Olympus_Mons", winter)).toBe("Mars/Olympus_Mons");
  });
});
