import { describe, expect, it } from "vitest";
import { expandSlots, groupByLocalDay, localTimeLabel, type SlotInput } from "@/lib/bookings/slots";

const iso = (d: Date) => d.toISOString();
const base = (over: Partial<SlotInput>): SlotInput => ({
  rules: [],
  timeZone: "UTC",
  blackoutDates: [],
  busy: [],
  durationMinutes: 60,
  minNoticeMinutes: 0,
  horizonDays: 365,
  now: new Date("2027-01-01T00:00:00Z"),
  ...over,
});
const on = (day: string, input: SlotInput) =>
  expandSlots({
    ...input,
    from: new Date(`${day}T00:00:00Z`),
    to: new Date(new Date(`${day}T00:00:00Z`).getTime() + 2 * 86_400_000),
  });

describe("slot expansion across daylight saving (creator's side)", () => {
  it("Lisbon, spring forward (2027-03-28 01:00 → 02:00): the missing hour yields no slot", () => {
    const slots = on(
      "2027-03-27",
      base({ timeZone: "Europe/Lisbon", rules: [{ weekday: 0, startMinute: 0, endMinute: 240 }] }),
    );
    expect(slots.map((s) => iso(s.startsAt))).toEqual([
      "2027-03-28T00:00:00.000Z",
      "2027-03-28T01:00:00.000Z",
      "2027-03-28T02:00:00.000Z",
    ]);
    // 00:00 WET, then 02:00 and 03:00 WEST: three slots, never the non-existent 01:00.
    expect(slots.map((s) => localTimeLabel(s.startsAt, "Europe/Lisbon"))).toEqual(["00:00", "02:00", "03:00"]);
  });

  it("Lisbon, fall back (2027-10-31 02:00 → 01:00): the repeated hour is offered once, at its first occurrence", () => {
    const slots = on(
      "2027-10-30",
      base({ timeZone: "Europe/Lisbon", rules: [{ weekday: 0, startMinute: 0, endMinute: 180 }] }),
    );
    expect(slots.map((s) => iso(s.startsAt))).toEqual([
      "2027-10-30T23:00:00.000Z",
      "2027-10-31T00:00:00.000Z",
      "2027-10-31T02:00:00.000Z",
    ]);
    expect(slots.every((s) => s.endsAt.getTime() - s.startsAt.getTime() === 3_600_000)).toBe(true);
  });

  it("New York, spring forward (2027-03-14 02:00 → 03:00)", () => {
    const slots = on(
      "2027-03-14",
      base({ timeZone: "America/New_York", rules: [{ weekday: 0, startMinute: 60, endMinute: 240 }] }),
    );
    expect(slots.map((s) => iso(s.startsAt))).toEqual(["2027-03-14T06:00:00.000Z", "2027-03-14T07:00:00.000Z"]);
    expect(slots.map((s) => localTimeLabel(s.startsAt, "America/New_York"))).toEqual(["01:00", "03:00"]);
  });

  it("New York, fall back (2027-11-07 02:00 → 01:00)", () => {
    const slots = on(
      "2027-11-07",
      base({ timeZone: "America/New_York", rules: [{ weekday: 0, startMinute: 0, endMinute: 180 }] }),
    );
    expect(slots.map((s) => localTimeLabel(s.startsAt, "America/New_York"))).toEqual(["00:00", "01:00", "02:00"]);
    expect(slots.map((s) => iso(s.startsAt))).toEqual([
      "2027-11-07T04:00:00.000Z",
      "2027-11-07T05:00:00.000Z",
      "2027-11-07T07:00:00.000Z",
    ]);
  });

  it("keeps the creator's wall-clock hours across the change (09:00 Lisbon is 09:00Z in winter, 08:00Z in summer)", () => {
    const input = base({ timeZone: "Europe/Lisbon", rules: [{ weekday: 1, startMinute: 540, endMinute: 600 }] });
    expect(on("2027-03-22", input).map((s) => iso(s.startsAt))).toEqual(["2027-03-22T09:00:00.000Z"]);
    expect(on("2027-03-29", input).map((s) => iso(s.startsAt))).toEqual(["2027-03-29T08:00:00.000Z"]);
  });
});

describe("zones whose clocks change at midnight (America/Santiago)", () => {
  const santiago = (rules: SlotInput["rules"]) =>
    base({ timeZone: "America/Santiago", now: new Date("2026-03-01T00:00:00Z"), rules });
  const labels = (slots: { startsAt: Date }[]) => slots.map((s) => localTimeLabel(s.startsAt, "America/Santiago"));

  it("spring forward at midnight (2026-09-06 00:00 → 01:00): no 00:00 slot, and the day's later hours are not shifted", () => {
    const slots = on(
      "2026-09-06",
      santiago([
        { weekday: 0, startMinute: 0, endMinute: 180 },
        { weekday: 0, startMinute: 540, endMinute: 600 },
      ]),
    );
    expect(slots.map((s) => iso(s.startsAt))).toEqual([
      "2026-09-06T04:00:00.000Z",
      "2026-09-06T05:00:00.000Z",
      "2026-09-06T12:00:00.000Z",
    ]);
    expect(labels(slots)).toEqual(["01:00", "02:00", "09:00"]);
  });

  it("the days after a midnight change keep their wall-clock hours (09:00 stays 09:00 all week)", () => {
    const rules = [0, 1, 2, 3].map((weekday) => ({ weekday, startMinute: 540, endMinute: 600 }));
    const slots = expandSlots({
      ...santiago(rules),
      from: new Date("2026-09-05T00:00:00Z"),
      to: new Date("2026-09-10T00:00:00Z"),
    });
    expect(labels(slots)).toEqual(["09:00", "09:00", "09:00", "09:00"]);
    expect(slots.map((s) => iso(s.startsAt))).toEqual([
      "2026-09-06T12:00:00.000Z",
      "2026-09-07T12:00:00.000Z",
      "2026-09-08T12:00:00.000Z",
      "2026-09-09T12:00:00.000Z",
    ]);
  });

  it("fall back at midnight (2026-04-05 00:00 → 2026-04-04 23:00): the repeated 23:00 is offered once", () => {
    const slots = expandSlots({
      ...santiago([
        { weekday: 6, startMinute: 1320, endMinute: 1440 },
        { weekday: 0, startMinute: 0, endMinute: 60 },
        { weekday: 0, startMinute: 540, endMinute: 600 },
      ]),
      from: new Date("2026-04-04T12:00:00Z"),
      to: new Date("2026-04-06T00:00:00Z"),
    });
    expect(labels(slots)).toEqual(["22:00", "23:00", "00:00", "09:00"]);
    expect(slots.map((s) => iso(s.startsAt))).toEqual([
      "2026-04-05T01:00:00.000Z",
      "2026-04-05T02:00:00.000Z",
      "2026-04-05T04:00:00.000Z",
      "2026-04-05T13:00:00.000Z",
    ]);
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
  const week = base({
    timeZone: "Europe/Lisbon",
    rules: [{ weekday: 1, startMinute: 540, endMinute: 720 }],
    durationMinutes: 60,
  });
  it("steps by the session length inside each range and never runs past its end", () => {
    expect(
      on("2027-01-04", { ...week, durationMinutes: 45 }).map((s) => localTimeLabel(s.startsAt, "Europe/Lisbon")),
    ).toEqual(["09:00", "09:45", "10:30", "11:15"]);
  });
  it("drops blackout days (creator-local dates)", () => {
    expect(on("2027-01-04", { ...week, blackoutDates: ["2027-01-04"] })).toEqual([]);
  });
  it("drops slots overlapping busy times (holds and bookings), even partially", () => {
    const busy = [{ startsAt: new Date("2027-01-04T10:30:00Z"), endsAt: new Date("2027-01-04T11:00:00Z") }];
    expect(on("2027-01-04", { ...week, busy }).map((s) => localTimeLabel(s.startsAt, "Europe/Lisbon"))).toEqual([
      "09:00",
      "11:00",
    ]);
  });
  it("respects minimum notice and the horizon", () => {
    const now = new Date("2027-01-04T08:30:00Z");
    expect(expandSlots({ ...week, now, minNoticeMinutes: 120, horizonDays: 1 }).map((s) => iso(s.startsAt))).toEqual([
      "2027-01-04T11:00:00.000Z",
    ]);
    expect(expandSlots({ ...week, now, minNoticeMinutes: 0, horizonDays: 8 }).map((s) => iso(s.startsAt))).toHaveLength(
      6,
    );
  });
});
