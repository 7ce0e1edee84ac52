"use client";
import { useActionState, useState } from "react";
import { FormMessage, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { startBookingAction } from "@/lib/bookings/actions";
import { chosenLabel, type Slot, SlotGrid, useBrowserZone } from "./slot-grid";

/**
 * Open times in the viewer's own time zone (the browser's), one local day at a time. The server
 * renders UTC first; once mounted the browser's zone takes over. Choosing a time and confirming holds
 * it and goes to checkout; the confirm bar stays at the bottom of the screen while the times scroll.
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
  const zone = useBrowserZone();
  // A time picked before signing in comes back through the sign-in page (?slot=…), still chosen.
  const [chosen, setChosen] = useState<string | null>(initialSlot);
  const [state, action] = useActionState(startBookingAction, initialActionState);
  const back =
    `/book/${offeringId}?${new URLSearchParams({ ...(week ? { week: String(week) } : {}), ...(chosen ? { slot: chosen } : {}) }).toString()}`.replace(
      /\?$/,
      "",
    );

  if (!slots.length)
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
      <SlotGrid slots={slots} zone={zone} chosen={chosen} onChoose={setChosen} />
      <form
        action={action}
        className="sticky bottom-0 z-10 -mx-5 -mb-5 space-y-3 rounded-b-xl border-t border-slate-200 bg-white/95 px-5 py-3 backdrop-blur"
        data-testid="slot-action"
      >
        <input type="hidden" name="offeringId" value={offeringId} />
        <input type="hidden" name="startsAt" value={chosen ?? ""} />
        <input type="hidden" name="timeZone" value={zone} />
        <FormMessage state={state} />
        {chosen ? (
          <p className="text-sm" data-testid="chosen-slot">
            {chosenLabel(chosen, zone)} · {priceLabel}
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
