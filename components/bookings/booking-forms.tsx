"use client";
import { useActionState, useEffect, useId, useRef, useState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { adminRefundAction, cancelBookingAction } from "@/lib/bookings/actions";

/**
 * Cancelling refunds at once, so it takes two steps: "Cancel booking…" opens a confirmation that says what
 * happens to the money and takes an optional reason (shown to the other side), then "Yes, cancel" does it.
 * Focus moves into the confirmation and back to the opener when it is dismissed (Escape or "Keep").
 */
export function CancelBookingForm({
  bookingId,
  consequence,
  reasonLabel,
  confirmText,
}: {
  bookingId: string;
  consequence: string;
  /** Says who reads the reason ("Reason (optional, shown to Sam Rivera)"). */
  reasonLabel: string;
  /** The final button, saying what it does ("Yes, cancel and refund €45.00"). */
  confirmText: string;
}) {
  const [state, action] = useActionState(cancelBookingAction, initialActionState);
  const [confirming, setConfirming] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const id = useId();
  const wasConfirming = useRef(false);
  useEffect(() => {
    if (confirming) heading.current?.focus();
    else if (wasConfirming.current) opener.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  if (!confirming)
    return (
      <div className="space-y-3" data-testid="cancel-form">
        <p className="text-sm text-slate-700">{consequence}</p>
        <button
          ref={opener}
          type="button"
          aria-expanded={false}
          aria-controls={`${id}-confirm`}
          onClick={() => setConfirming(true)}
          className="inline-flex items-center justify-center rounded-md border border-red-700 bg-white px-4 py-2 text-sm font-semibold text-red-800 hover:bg-red-50"
        >
          Cancel booking…
        </button>
      </div>
    );
  return (
    <form
      action={action}
      id={`${id}-confirm`}
      className="space-y-3 rounded-lg border border-red-200 bg-red-50/40 p-4"
      data-testid="cancel-form"
      aria-labelledby={`${id}-title`}
      onKeyDown={(e) => {
        if (e.key === "Escape") setConfirming(false);
      }}
    >
      <h3 id={`${id}-title`} ref={heading} tabIndex={-1} className="font-semibold text-slate-900 outline-none">
        Cancel this booking?
      </h3>
      <input type="hidden" name="bookingId" value={bookingId} />
      <p className="text-sm text-slate-800" data-testid="cancel-consequence">
        {consequence}
      </p>
      <Field label={reasonLabel} name="reason" state={state} />
      <FormMessage state={state} />
      <div className="flex flex-wrap gap-3">
        <SubmitButton variant="danger" pendingText="Cancelling…">
          {confirmText}
        </SubmitButton>
        <button
          type="button"
          onClick={() => setConfirming(false)}
          className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50"
        >
          Keep the booking
        </button>
      </div>
    </form>
  );
}

export function AdminRefundForm({ bookingId, maxLabel }: { bookingId: string; maxLabel: string }) {
  const [state, action] = useActionState(adminRefundAction, initialActionState);
  // One key per request: a submit retried before the server answered refunds once; once the server has
  // answered that a refund went through, the next refund from this form is a new request.
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [answered, setAnswered] = useState(state);
  if (state !== answered) {
    setAnswered(state);
    if (state.ok) setKey(crypto.randomUUID());
  }
  return (
    <form action={action} className="space-y-3" data-testid="admin-refund-form">
      <input type="hidden" name="bookingId" value={bookingId} />
      <input type="hidden" name="idempotencyKey" value={key} />
      <Field label={`Amount (empty = all that is left, ${maxLabel})`} name="amount" inputMode="decimal" state={state} />
      <Field label="Reason" name="reason" required state={state} />
      <FormMessage state={state} />
      <SubmitButton variant="danger" pendingText="Refunding…">
        Refund
      </SubmitButton>
    </form>
  );
}
