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
  const busy = mergeIntervals(input.busy);
  const byWeekday = new Map<number, WeeklyRule[]>();
  for (const r of rules) byWeekday.set(r.weekday, [...(byWeekday.get(r.weekday) ?? []), r]);

  const out: Interval[] = [];
  // Start one local day early: a slot late on the previous local day can still be after `earliest`.
  let day = DateTime.fromMillis(earliest, { zone: timeZone }).startOf("day").minus({ days: 1 });
  const lastDay = DateTime.fromMillis(latest, { zone: timeZone }).startOf("day");
  while (day <= lastDay) {
    const dayRules = blackout.has(day.toISODate()!) ? [] : (byWeekday.get(day.weekday % 7) ?? []);
    // On the usual day the day starts at 00:00 and the offset is the same at both ends: a wall time is
    // midnight plus minutes. A day on which the clocks change (in some zones at midnight itself, so
    // the day starts at 01:00) needs the zone rules for every slot.
    const midnight = day.toMillis();
    const steady = day.hour === 0 && day.minute === 0 && day.offset === day.endOf("day").offset;
    for (const rule of [...dayRules].sort((a, b) => a.startMinute - b.startMinute)) {
      for (let m = rule.startMinute; m + durationMinutes <= rule.endMinute; m += durationMinutes) {
        const t = steady ? midnight + m * 60_000 : instantOfWallTime(day, m, timeZone);
        if (t === null || t < earliest || t >= latest) continue;
        const slot = { startsAt: new Date(t), endsAt: new Date(t + durationMinutes * 60_000) };
        if (isBusy(busy, slot)) continue;
        out.push(slot);
      }
    }
    // startOf again: adding a day to a day that began at 01:00 would otherwise keep the 01:00.
    day = day.plus({ days: 1 }).startOf("day");
  }
  return out.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

/**
 * The instant of wall time `minute` on `day` in `timeZone` on a day the clocks change; null when that
 * wall time does not exist (skipped), the first occurrence when it happens twice (as calendars do).
 */
function instantOfWallTime(day: DateTime, minute: number, timeZone: string): number | null {
  const wall = DateTime.fromObject(
    { year: day.year, month: day.month, day: day.day, hour: Math.floor(minute / 60), minute: minute % 60 },
    { zone: timeZone },
  );
  if (wall.hour * 60 + wall.minute !== minute || !wall.hasSame(day, "day")) return null; // luxon shifted a skipped time
  return Math.min(...wall.getPossibleOffsets().map((d) => d.toMillis()), wall.toMillis());
}

/** Sorted, non-overlapping intervals covering the same time. */
function mergeIntervals(list: Interval[]): Interval[] {
  const sorted = [...list].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.startsAt <= last.endsAt) {
      if (i.endsAt > last.endsAt) out[out.length - 1] = { startsAt: last.startsAt, endsAt: i.endsAt };
    } else out.push(i);
  }
  return out;
}

/** Binary search in merged busy time: does `slot` overlap any of it? */
function isBusy(busy: Interval[], slot: Interval) {
  let lo = 0;
  let hi = busy.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (busy[mid]!.endsAt <= slot.startsAt) lo = mid + 1;
    else hi = mid;
  }
  return lo < busy.length && overlaps(busy[lo]!, slot);
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
