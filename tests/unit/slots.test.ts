import { describe, expect, it } from "vitest";
import { expandSlots, groupByLocalDay, localTimeLabel, type SlotInput } from "@/lib/bookings/slots";

const iso = (d: Date) => d.toISOString();
const base = (over: Partial<SlotInput>): SlotInput => ({
  rules: [], timeZone: "UTC", blackoutDates: [], busy: [], durationMinutes: 60, minNoticeMinutes: 0, horizonDays: 365,
  now: new Date("2027-01-01T00:00:00Z"), ...over,
});
const on = (day: string, input: SlotInput) =>
  expandSlots({ ...input, from: new Date(`${day}T00:00:00Z`), to: new Date(new Date(`${day}T00:00:00Z`).getTime() + 2 * 86_400_000) });

describe("slot expansion across daylight saving (creator's side)", () => {
  it("Lisbon, spring forward (2027-03-28 01:00 → 02:00): the missing hour yields no slot", () => {
    const slots = on("2027-03-27", base({ timeZone: "Europe/Lisbon", rules: [{ weekday: 0, startMinute: 0, endMinute: 240 }] }));
    expect(slots.map((s) => iso(s.startsAt))).toEqual(["2027-03-28T00:00:00.000Z", "2027-03-28T01:00:00.000Z", "2027-03-28T02:00:00.000Z"]);
    // 00:00 WET, then 02:00 and 03:00 WEST: three slots, never the non-existent 01:00.
    expect(slots.map((s) => localTimeLabel(s.startsAt, "Europe/Lisbon"))).toEqual(["00:00", "02:00", "03:00"]);
  });

  it("Lisbon, fall back (2027-10-31 02:00 → 01:00): the repeated hour is offered once, at its first occurrence", () => {
    const slots = on("2027-10-30", base({ timeZone: "Europe/Lisbon", rules: [{ weekday: 0, startMinute: 0, endMinute: 180 }] }));
    expect(slots.map((s) => iso(s.startsAt))).toEqual(["2027-10-30T23:00:00.000Z", "2027-10-31T00:00:00.000Z", "2027-10-31T02:00:00.000Z"]);
    expect(slots.every((s) => s.endsAt.getTime() - s.startsAt.getTime() === 3_600_000)).toBe(true);
  });

  it("New York, spring forward (2027-03-14 02:00 → 03:00)", () => {
    const slots = on("2027-03-14", base({ timeZone: "America/New_York", rules: [{ weekday: 0, startMinute: 60, endMinute: 240 }] }));
    expect(slots.map((s) => iso(s.startsAt))).toEqual(["2027-03-14T06:00:00.000Z", "2027-03-14T07:00:00.000Z"]);
    expect(slots.map((s) => localTimeLabel(s.startsAt, "America/New_York"))).toEqual(["01:00", "03:00"]);
  });

  it("New York, fall back (2027-11-07 02:00 → 01:00)", () => {
    const slots = on("2027-11-07", base({ timeZone: "America/New_York", rules: [{ weekday: 0, startMinute: 0, endMinute: 180 }] }));
    expect(slots.map((s) => localTimeLabel(s.startsAt, "America/New_York"))).toEqual(["00:00", "01:00", "02:00"]);
    expect(slots.map((s) => iso(s.startsAt))).toEqual(["2027-11-07T04:00:00.000Z", "2027-11-07T05:00:00.000Z", "2027-11-07T07:00:00.000Z"]);
  });

  it("keeps the creator's wall-clock hours across the change (09:00 Lisbon is 09:00Z in winter, 08:00Z in summer)", () => {
    const input = base({ timeZone: "Europe/Lisbon", rules: [{ weekday: 1, startMinute: 540, endMinute: 600 }] });
    expect(on("2027-03-22", input).map((s) => iso(s.startsAt))).toEqual(["2027-03-22T09:00:00.000Z"]);
    expect(on("2027-03-29", input).map((s) => iso(s.startsAt))).toEqual(["2027-03-29T08:00:00.000Z"]);
  });
});

describe("the viewer's side: the same slots in the viewer's zone", () => {
  it("a Lisbon 09:00 slot reads 04:00, 05:00 then 04:00 in New York as the US and then the EU change clocks", () => {
    const input = base({ timeZone: "Europe/Lisbon", rules: [{ weekday: 1, startMinute: 540, endMinute: 600 }] });
    const days = ["2027-03-08", "2027-03-15", "2027-03-29"].map((d) => on(d, input)[0]!);
    expect(days.map((s) => localTimeLabel(s.startsAt, "America/New_York"))).toEqual(["04:00", "05:00", "04:00"]);
  });

  it("groups slots by the viewer's local day, which may differ from the creator's", () => {
    // Creator in New York offers 21:00–23:00 on Mondays; in Lisbon those are Tuesday 01:00–03:00 (winter).
    const input = base({ timeZone: "America/New_York", rules: [{ weekday: 1, startMinute: 1260, endMinute: 1380 }] });
    const slots = on("2027-01-04", input);
    expect(groupByLocalDay(slots, "America/New_York").map((g) => g.date)).toEqual(["2027-01-04"]);
    const lisbon = groupByLocalDay(slots, "Europe/Lisbon");
    expect(lisbon.map((g) => g.date)).toEqual(["2027-01-05"]);
    expect(lisbon[0]!.slots.map((s) => localTimeLabel(s.startsAt, "Europe/Lisbon"))).toEqual(["02:00", "03:00"]);
  });
});

describe("slot rules", () => {
  const week = base({ timeZone: "Europe/Lisbon", rules: [{ weekday: 1, startMinute: 540, endMinute: 720 }], durationMinutes: 60 });
  it("steps by the session length inside each range and never runs past its end", () => {
    expect(on("2027-01-04", { ...week, durationMinutes: 45 }).map((s) => localTimeLabel(s.startsAt, "Europe/Lisbon"))).toEqual(["09:00", "09:45", "10:30", "11:15"]);
  });
  it("drops blackout days (creator-local dates)", () => {
    expect(on("2027-01-04", { ...week, blackoutDates: ["2027-01-04"] })).toEqual([]);
  });
  it("drops slots overlapping busy times (holds and bookings), even partially", () => {
    const busy = [{ startsAt: new Date("2027-01-04T10:30:00Z"), endsAt: new Date("2027-01-04T11:00:00Z") }];
    expect(on("2027-01-04", { ...week, busy }).map((s) => localTimeLabel(s.startsAt, "Europe/Lisbon"))).toEqual(["09:00", "11:00"]);
  });
  it("respects minimum notice and the horizon", () => {
    const now = new Date("2027-01-04T08:30:00Z");
    expect(expandSlots({ ...week, now, minNoticeMinutes: 120, horizonDays: 1 }).map((s) => iso(s.startsAt))).toEqual(["2027-01-04T11:00:00.000Z"]);
    expect(expandSlots({ ...week, now, minNoticeMinutes: 0, horizonDays: 8 }).map((s) => iso(s.startsAt))).toHaveLength(6);
  });
});
