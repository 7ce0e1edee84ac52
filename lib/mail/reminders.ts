/**
 * When reminders go out before a session or a show: 24 hours and 15 minutes before the start. Pure.
 *
 * A reminder is due once its moment (start minus lead) has passed and the start has not; only the nearest
 * one is sent (a sweeper that was down for a day sends the 15-minute reminder, not both), and none whose
 * moment came before the purchase (a session booked 2 hours ahead gets no "tomorrow" email).
 */
export const REMINDER_LEADS = [
  { name: "24h", ms: 24 * 60 * 60 * 1000, words: "tomorrow" },
  { name: "15m", ms: 15 * 60 * 1000, words: "in 15 minutes" },
] as const;
export type ReminderLead = (typeof REMINDER_LEADS)[number];

/** The reminder due now for something starting at `startsAt` and bought at `boughtAt`, or null. */
export function dueReminder(now: Date, startsAt: Date, boughtAt: Date): ReminderLead | null {
  const start = startsAt.getTime();
  if (now.getTime() >= start) return null;
  // Nearest first: the smallest lead whose moment has passed.
  const opened = [...REMINDER_LEADS].sort((a, b) => a.ms - b.ms).find((l) => now.getTime() >= start - l.ms);
  if (!opened) return null;
  return boughtAt.getTime() < start - opened.ms ? opened : null;
}

/** The longest lead: how far ahead a sweep has to look. */
export const REMINDER_HORIZON_MS = Math.max(...REMINDER_LEADS.map((l) => l.ms));
