/** Weekly availability as written by a creator: minutes from local midnight, weekday 0 = Sunday. */
export type WeeklyRule = { weekday: number; startMinute: number; endMinute: number };

export const weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

/** The name of weekday `d` (0 = Sunday). */
export function dayName(d: number): string {
  return weekdayNames[d] ?? `Day ${d}`;
}
/** Display order: the week starts on Monday. */
export const weekdayOrder = [1, 2, 3, 4, 5, 6, 0] as const;

/** "09:30" → 570; "24:00" → 1440 (end of day); null when not a time. */
export function parseTimeOfDay(text: string): number | null {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text.trim());
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 1440 ? minutes : null;
}

export function formatTimeOfDay(minutes: number) {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** Problems with a set of rules, keyed by weekday; empty when valid. */
export function validateWeeklyRules(rules: WeeklyRule[]): Map<number, string> {
  const problems = new Map<number, string>();
  for (const r of rules) {
    if (r.endMinute <= r.startMinute)
      problems.set(r.weekday, `${dayName(r.weekday)}: the end time must be after the start time.`);
  }
  for (let day = 0; day < 7; day++) {
    const sorted = rules.filter((r) => r.weekday === day).sort((a, b) => a.startMinute - b.startMinute);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.startMinute < sorted[i - 1]!.endMinute && !problems.has(day)) {
        problems.set(day, `${dayName(day)}: the two time ranges overlap.`);
      }
    }
  }
  return problems;
}

/** "Mon 09:00–12:00, 13:00–17:00" lines for a public profile, Monday first. */
export function summariseWeek(rules: WeeklyRule[]): { day: string; ranges: string[] }[] {
  return weekdayOrder
    .map((d) => ({
      day: dayName(d),
      ranges: rules
        .filter((r) => r.weekday === d)
        .sort((a, b) => a.startMinute - b.startMinute)
        .map((r) => `${formatTimeOfDay(r.startMinute)}–${formatTimeOfDay(r.endMinute)}`),
    }))
    .filter((d) => d.ranges.length > 0);
}
