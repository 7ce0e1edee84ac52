"use client";
import { DateTime } from "luxon";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { groupByLocalDay, localTimeLabel } from "@/lib/bookings/slots";
import { cn } from "@/lib/cn";

export type Slot = { startsAt: string; endsAt: string };

/** The reader's own time zone, once mounted (the server renders UTC: it cannot know it). */
export function useBrowserZone() {
  const [zone, setZone] = useState("UTC");
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  return zone;
}

/** The index an arrow, Home or End key moves to in a row of `count` items, or null for any other key. */
export function rovingIndex(key: string, index: number, count: number): number | null {
  if (count === 0) return null;
  if (key === "ArrowRight" || key === "ArrowDown") return (index + 1) % count;
  if (key === "ArrowLeft" || key === "ArrowUp") return (index - 1 + count) % count;
  if (key === "Home") return 0;
  if (key === "End") return count - 1;
  return null;
}

/**
 * Open times in `zone`, one local day at a time: the days as a tablist (one Tab stop; arrows, Home and End
 * move between days) and the chosen day's times as native radios (one Tab stop; arrows choose), in a
 * scroll box of a few rows, so a day of 96 quarter hours neither pushes the action off a phone's screen
 * nor costs a keyboard user a Tab per time.
 */
export function SlotGrid({
  slots,
  zone,
  chosen,
  onChoose,
  label = "Times",
}: {
  slots: Slot[];
  zone: string;
  chosen: string | null;
  onChoose: (iso: string | null) => void;
  label?: string;
}) {
  const days = useMemo(
    () =>
      groupByLocalDay(
        slots.map((s) => ({ startsAt: new Date(s.startsAt), endsAt: new Date(s.endsAt) })),
        zone,
      ),
    [slots, zone],
  );
  const [day, setDay] = useState<string | null>(null);
  const id = useId();
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const current =
    days.find((d) => d.date === day) ??
    days.find((d) => d.slots.some((s) => s.startsAt.toISOString() === chosen)) ??
    days[0];
  const currentIndex = Math.max(
    0,
    days.findIndex((d) => d.date === current?.date),
  );
  const times = current?.slots ?? [];

  const selectDay = (i: number, focus: boolean) => {
    const d = days[i];
    if (!d) return;
    setDay(d.date);
    if (d.date !== current?.date) onChoose(null);
    if (focus) tabs.current[i]?.focus();
  };
  return (
    <div className="space-y-3">
      <div
        className="-mx-1 flex gap-2 overflow-x-auto px-1 pb-1"
        role="tablist"
        aria-label="Days"
        data-testid="day-tabs"
      >
        {days.map((d, i) => {
          const selected = i === currentIndex;
          return (
            <button
              key={d.date}
              ref={(el) => {
                tabs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={`${id}-tab-${d.date}`}
              aria-selected={selected}
              aria-controls={`${id}-panel`}
              tabIndex={selected ? 0 : -1}
              data-testid="day-tab"
              onClick={() => selectDay(i, false)}
              onKeyDown={(e) => {
                const next = rovingIndex(e.key, i, days.length);
                if (next === null) return;
                e.preventDefault();
                selectDay(next, true);
              }}
              className={cn(
                "shrink-0 whitespace-nowrap rounded-md border px-3 py-1.5 text-sm",
                selected ? "border-brand bg-brand text-on-brand" : "border-slate-300 bg-white hover:bg-slate-50",
              )}
            >
              {DateTime.fromISO(d.date).toFormat("ccc d LLL")}
            </button>
          );
        })}
      </div>
      <div
        role="tabpanel"
        id={`${id}-panel`}
        aria-labelledby={current ? `${id}-tab-${current.date}` : undefined}
        className="max-h-60 overflow-y-auto rounded-md border border-slate-200 p-2 sm:max-h-72"
      >
        <fieldset className="min-w-0">
          <legend className="sr-only">
            {label}, {current ? DateTime.fromISO(current.date).toFormat("cccc d LLLL") : ""}
          </legend>
          {/* Native radios: one Tab stop for the whole day, arrow keys move the choice. */}
          <div className="grid grid-cols-4 gap-2 sm:grid-cols-6" data-testid="slot-list">
            {times.map((s) => {
              const iso = s.startsAt.toISOString();
              return (
                <label key={iso} data-testid="slot" data-starts-at={iso} className="relative block cursor-pointer">
                  <input
                    type="radio"
                    name={`${id}-time`}
                    value={iso}
                    checked={chosen === iso}
                    onChange={() => onChoose(iso)}
                    className="peer sr-only"
                  />
                  <span className="block rounded-md border border-slate-300 bg-white px-1 py-2 text-center text-sm font-medium tabular-nums hover:border-slate-500 peer-checked:border-brand peer-checked:bg-brand peer-checked:text-on-brand peer-focus-visible:ring-2 peer-focus-visible:ring-brand peer-focus-visible:ring-offset-2">
                    {localTimeLabel(s.startsAt, zone)}
                  </span>
                </label>
              );
            })}
          </div>
        </fieldset>
      </div>
    </div>
  );
}

/** "Monday 3 March 2027, 14:30 (Europe/Lisbon)": a chosen time in words, with its zone. */
export function chosenLabel(iso: string, zone: string) {
  return `${DateTime.fromISO(iso, { zone }).toFormat("cccc d LLLL yyyy, HH:mm")} (${zone})`;
}
