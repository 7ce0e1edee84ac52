"use client";
import { useActionState, useEffect, useMemo, useState } from "react";
import { DateTime } from "luxon";
import { FormMessage, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { startBookingAction } from "@/lib/bookings/actions";
import { groupByLocalDay, localTimeLabel } from "@/lib/bookings/slots";
import { cn } from "@/lib/cn";

type Slot = { startsAt: string; endsAt: string };

/**
 * Open times in the viewer's own time zone (the browser's), grouped by their local day. The server
 * renders UTC first; once mounted the browser's zone takes over. Choosing a time and confirming holds
 * it and goes to checkout.
 */
export function SlotPicker({
  offeringId,
  slots,
  signedIn,
  priceLabel,
  week = 0,
  initialSlot = null,
}: {
  offeringId: string;
  slots: Slot[];
  signedIn: boolean;
  priceLabel: string;
  week?: number;
  initialSlot?: string | null;
}) {
  const [zone, setZone] = useState("UTC");
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  const days = useMemo(
    () =>
      groupByLocalDay(
        slots.map((s) => ({ startsAt: new Date(s.startsAt), endsAt: new Date(s.endsAt) })),
        zone,
      ),
    [slots, zone],
  );
  const [day, setDay] = useState<string | null>(null);
  // A time picked before signing in comes back through the sign-in page (?slot=…), still chosen.
  const [chosen, setChosen] = useState<string | null>(initialSlot);
  const [state, action] = useActionState(startBookingAction, initialActionState);
  const current =
    days.find((d) => d.date === day) ??
    days.find((d) => d.slots.some((s) => s.startsAt.toISOString() === chosen)) ??
    days[0];
  const back =
    `/book/${offeringId}?${new URLSearchParams({ ...(week ? { week: String(week) } : {}), ...(chosen ? { slot: chosen } : {}) }).toString()}`.replace(
      /\?$/,
      "",
    );

  if (!days.length)
    return <p className="text-slate-600">No open times in these two weeks. Try later dates, or check back soon.</p>;
  return (
    <div className="space-y-4" data-testid="slot-picker">
      <p className="text-sm text-slate-600">
        Times are shown in your time zone:{" "}
        <span className="font-medium" data-testid="viewer-zone">
          {zone}
        </span>
        .
      </p>
      <div className="flex flex-wrap gap-2" role="tablist" aria-label="Days">
        {days.map((d) => (
          <button
            key={d.date}
            type="button"
            role="tab"
            aria-selected={d.date === current?.date}
            onClick={() => {
              setDay(d.date);
              setChosen(null);
            }}
            className={cn(
              "rounded-md border px-3 py-1.5 text-sm",
              d.date === current?.date
                ? "border-brand bg-brand text-on-brand"
                : "border-slate-300 bg-white hover:bg-slate-50",
            )}
          >
            {DateTime.fromISO(d.date).toFormat("ccc d LLL")}
          </button>
        ))}
      </div>
      <div className="grid grid-cols-3 gap-2 sm:grid-cols-6" data-testid="slot-list">
        {current?.slots.map((s) => {
          const iso = s.startsAt.toISOString();
          return (
            <button
              key={iso}
              type="button"
              data-testid="slot"
              data-starts-at={iso}
              aria-pressed={chosen === iso}
              onClick={() => setChosen(iso)}
              className={cn(
                "rounded-md border px-2 py-2 text-sm font-medium",
                chosen === iso ? "border-brand bg-brand text-on-brand" : "border-slate-300 bg-white hover:bg-slate-50",
              )}
            >
              {localTimeLabel(s.startsAt, zone)}
            </button>
          );
        })}
      </div>
      <form action={action} className="space-y-3">
        <input type="hidden" name="offeringId" value={offeringId} />
        <input type="hidden" name="startsAt" value={chosen ?? ""} />
        <input type="hidden" name="timeZone" value={zone} />
        <FormMessage state={state} />
        {chosen ? (
          <p className="text-sm" data-testid="chosen-slot">
            {DateTime.fromISO(chosen, { zone }).toFormat("cccc d LLLL yyyy, HH:mm")} ({zone}) · {priceLabel}
          </p>
        ) : null}
        {signedIn ? (
          chosen ? (
            <SubmitButton pendingText="Holding your time…">Continue to payment</SubmitButton>
          ) : (
            // Nothing to hold yet: a plainly inactive button, not the primary action's look.
            <button
              type="button"
              disabled
              className="inline-flex cursor-not-allowed items-center justify-center rounded-md border border-slate-200 bg-slate-100 px-4 py-2 text-sm font-semibold text-slate-400"
            >
              Pick a time first
            </button>
          )
        ) : (
          <a
            href={`/signin?callbackUrl=${encodeURIComponent(back)}`}
            className="inline-block rounded-md bg-brand px-4 py-2 text-sm font-semibold text-on-brand"
            data-testid="signin-to-book"
          >
            {chosen ? "Sign in or create an account to book this time" : "Sign in to book"}
          </a>
        )}
      </form>
    </div>
  );
}
