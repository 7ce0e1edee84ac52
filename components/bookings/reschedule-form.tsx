"use client";
import { useActionState, useEffect, useId, useRef, useState } from "react";
import { FormMessage, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { rescheduleBookingAction } from "@/lib/bookings/actions";
import { chosenLabel, type Slot, SlotGrid, useBrowserZone } from "./slot-grid";

/**
 * "Reschedule": pick another open time (the booking page's slot grid, in the reader's zone), review the
 * move (from, to, and that no money moves), then confirm. The server's refusals ("that time was just
 * taken", "too late to move") are shown in the confirmation; the page then offers fresh times.
 */
export function RescheduleForm({
  bookingId,
  currentStartsAt,
  slots,
  priceNote,
}: {
  bookingId: string;
  currentStartsAt: string;
  slots: Slot[];
  /** What happens to the money, in words ("The price stays €45.00, already paid: …"). */
  priceNote: string;
}) {
  const zone = useBrowserZone();
  const [state, action] = useActionState(rescheduleBookingAction, initialActionState);
  const [step, setStep] = useState<"closed" | "pick" | "review">("closed");
  const [picked, setChosen] = useState<string | null>(null);
  // Picking: a time the page no longer offers (taken meanwhile: the list came back without it) is no
  // choice. The review keeps showing the time it was about, with the refusal.
  const chosen = picked && slots.some((s) => s.startsAt === picked) ? picked : null;
  const id = useId();
  const opener = useRef<HTMLButtonElement>(null);
  const reviewHeading = useRef<HTMLHeadingElement>(null);
  const pickHeading = useRef<HTMLHeadingElement>(null);
  // A move that went through closes the form (the page shows the new time); a refusal stays in the review.
  const [answered, setAnswered] = useState(state);
  if (state !== answered) {
    setAnswered(state);
    if (state.ok) {
      setStep("closed");
      setChosen(null);
    }
  }
  const lastStep = useRef(step);
  useEffect(() => {
    if (step === lastStep.current) return;
    if (step === "review") reviewHeading.current?.focus();
    else if (step === "pick") pickHeading.current?.focus();
    else opener.current?.focus();
    lastStep.current = step;
  }, [step]);

  return (
    <div className="space-y-3" data-testid="reschedule">
      {state.ok ? <FormMessage state={state} /> : null}
      {step === "closed" ? (
        <button
          ref={opener}
          type="button"
          aria-expanded={false}
          aria-controls={`${id}-panel`}
          onClick={() => setStep("pick")}
          className="inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50"
        >
          Reschedule
        </button>
      ) : (
        <div id={`${id}-panel`} className="space-y-3">
          {step === "pick" ? (
            <>
              <h3 ref={pickHeading} tabIndex={-1} className="font-semibold outline-none">
                Pick a new time
              </h3>
              <p className="text-sm text-slate-600">
                Now: {chosenLabel(currentStartsAt, zone)}. Times are shown in your time zone.
              </p>
              {slots.length ? (
                <SlotGrid slots={slots} zone={zone} chosen={chosen} onChoose={setChosen} label="New times" />
              ) : (
                <p className="text-sm text-slate-600">No other open times in the next two weeks.</p>
              )}
              <div className="sticky bottom-0 z-10 -mx-5 -mb-5 flex flex-wrap items-center gap-3 rounded-b-xl border-t border-slate-200 bg-white/95 px-5 py-3 backdrop-blur">
                {chosen ? (
                  <p className="w-full text-sm" data-testid="reschedule-chosen">
                    New time: {chosenLabel(chosen, zone)}
                  </p>
                ) : null}
                <button
                  type="button"
                  disabled={!chosen}
                  onClick={() => setStep("review")}
                  className="rounded-md bg-brand px-4 py-2 text-sm font-semibold text-on-brand hover:opacity-90 disabled:cursor-not-allowed disabled:opacity-50"
                >
                  {chosen ? "Review the move" : "Pick a time first"}
                </button>
                <button
                  type="button"
                  onClick={() => {
                    setChosen(null);
                    setStep("closed");
                  }}
                  className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50"
                >
                  Keep the current time
                </button>
              </div>
            </>
          ) : (
            <form
              action={action}
              className="space-y-3 rounded-lg border border-slate-200 bg-slate-50 p-4"
              aria-labelledby={`${id}-review`}
              data-testid="reschedule-review"
              onKeyDown={(e) => {
                if (e.key === "Escape") setStep("pick");
              }}
            >
              <h3 id={`${id}-review`} ref={reviewHeading} tabIndex={-1} className="font-semibold outline-none">
                Move this booking?
              </h3>
              <input type="hidden" name="bookingId" value={bookingId} />
              <input type="hidden" name="startsAt" value={picked ?? ""} />
              <dl className="grid grid-cols-[4rem_1fr] gap-y-1 text-sm">
                <dt className="font-medium">From</dt>
                <dd>{chosenLabel(currentStartsAt, zone)}</dd>
                <dt className="font-medium">To</dt>
                <dd data-testid="reschedule-to">{picked ? chosenLabel(picked, zone) : ""}</dd>
              </dl>
              <p className="text-sm text-slate-700">{priceNote}</p>
              {/* A refusal belongs to the time it was about, not to the next one picked. */}
              {state.values?.startsAt === picked ? <FormMessage state={state} /> : null}
              <div className="flex flex-wrap gap-3">
                <SubmitButton pendingText="Moving…">Yes, move it</SubmitButton>
                <button
                  type="button"
                  onClick={() => setStep("pick")}
                  className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50"
                >
                  Pick another time
                </button>
              </div>
            </form>
          )}
        </div>
      )}
    </div>
  );
}
