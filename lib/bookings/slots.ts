/**
 * Open slots of a private-session offering (pure: no database, no clock).
 *
 * The creator writes weekly hours in their own IANA zone; slots are computed on the creator's local
 * calendar with luxon and returned as absolute instants, so a viewer anywhere sees them right once
 * formatted in their own zone. Daylight saving on the creator's side is handled here: a slot whose
 * local start does not exist (spring forward) is skipped, and an ambiguous one (fall back) is taken
 * once, at its first occurrence.
 */
import { DateTime } from "luxon";
import type { WeeklyRule } from "@/lib/creators/availability";

export type Interval = { startsAt: Date; endsAt: Date };

export type SlotInput = {
  rules: WeeklyRule[];
  timeZone: string;
  /** Local dates ("2027-03-28") on which the creator takes no bookings. */
  blackoutDates: string[];
  /** Live holds and confirmed bookings of this creator. */
  busy: Interval[];
  durationMinutes: number;
  minNoticeMinutes: number;
  horizonDays: number;
  now: Date;
  /** Only slots starting in [from, to) are returned (defaults: the whole horizon). */
  from?: Date;
  to?: Date;
};

export function overlaps(a: Interval, b: Interval) {
  return a.startsAt < b.endsAt && b.startsAt < a.endsAt;
}

export function expandSlots(input: SlotInput): Interval[] {
  const { rules, timeZone, durationMinutes } = input;
  const earliest = Math.max(input.now.getTime() + input.minNoticeMinutes * 60_000, input.from?.getTime() ?? -Infinity);
  const latest = Math.min(input.now.getTime() + input.horizonDays * 86_400_000, input.to?.getTime() ?? Infinity);
  if (!(latest > earliest) || durationMinutes <= 0) return [];

  const blackout = new Set(input.blackoutDates);
  const busy = [...input.busy].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const byWeekday = new Map<number, WeeklyRule[]>();
  for (const r of rules) byWeekday.set(r.weekday, [...(byWeekday.get(r.weekday) ?? []), r]);

  const out: Interval[] = [];
  // Start one local day early: a slot late on the previous local day can still be after `earliest`.
  let day = DateTime.fromMillis(earliest, { zone: timeZone }).startOf("day").minus({ days: 1 });
  const lastDay = DateTime.fromMillis(latest, { zone: timeZone }).startOf("day");
  while (day <= lastDay) {
    const dayRules = blackout.has(day.toISODate()!) ? [] : (byWeekday.get(day.weekday % 7) ?? []);
    for (const rule of [...dayRules].sort((a, b) => a.startMinute - b.startMinute)) {
      for (let m = rule.startMinute; m + durationMinutes <= rule.endMinute; m += durationMinutes) {
        const wall = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: Math.floor(m / 60), minute: m % 60 }, { zone: timeZone });
        // A wall time that does not exist today (skipped by a DST change) is shifted by luxon: skip it.
        if (wall.hour * 60 + wall.minute !== m || !wall.hasSame(day, "day")) continue;
        // A wall time that happens twice (clocks fall back): take the first occurrence, as calendars do.
        const local = wall.getPossibleOffsets().reduce((a, b) => (b.toMillis() < a.toMillis() ? b : a), wall);
        const startsAt = local.toJSDate();
        const t = startsAt.getTime();
        if (t < earliest || t >= latest) continue;
        const slot = { startsAt, endsAt: new Date(t + durationMinutes * 60_000) };
        if (busy.some((b) => overlaps(b, slot))) continue;
        out.push(slot);
      }
    }
    day = day.plus({ days: 1 });
  }
  return out.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

/** Slots grouped by the calendar day they fall on in `timeZone` (the viewer's), in order. */
export function groupByLocalDay(slots: Interval[], timeZone: string): { date: string; slots: Interval[] }[] {
  const groups = new Map<string, Interval[]>();
  for (const s of slots) {
    const date = DateTime.fromJSDate(s.startsAt, { zone: timeZone }).toISODate()!;
    groups.set(date, [...(groups.get(date) ?? []), s]);
  }
  return [...groups.entries()].map(([date, list]) => ({ date, slots: list }));
}

/** "14:30" — the slot's start on the wall clock of `timeZone`. */
export function localTimeLabel(at: Date, timeZone: string) {
  return DateTime.fromJSDate(at, { zone: timeZone }).toFormat("HH:mm");
}
