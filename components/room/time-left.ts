/** A room's clock line, in words (pure; shared by private sessions and shows). */

/** "4:05", "1:02:09": what is left, never negative. */
export function formatLeft(ms: number) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/** "14:30 WET": the reader's own clock, with its zone named. */
export const timeLabel = (iso: string) =>
  new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  }).format(new Date(iso));

/** Before the start: "Starts in"; from the start: "Time left" to the end; after the end: extra time to the close. */
export function clockLine(now: number, t: { starts: number; ends: number; closes: number }) {
  if (now < t.starts) return { label: "Starts in ", ms: t.starts - now, inGrace: false };
  if (now >= t.ends) return { label: "Extra time: the room closes in ", ms: t.closes - now, inGrace: true };
  return { label: "Time left ", ms: t.ends - now, inGrace: false };
}
