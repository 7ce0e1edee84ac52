"use client";
import { useActionState, useState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { adminRefundAction, cancelBookingAction } from "@/lib/bookings/actions";

export function CancelBookingForm({ bookingId, consequence }: { bookingId: string; consequence: string }) {
  const [state, action] = useActionState(cancelBookingAction, initialActionState);
  return (
    <form action={action} className="space-y-3" data-testid="cancel-form">
      <input type="hidden" name="bookingId" value={bookingId} />
      <p className="text-sm text-slate-700">{consequence}</p>
      <Field label="Reason (optional)" name="reason" state={state} />
      <FormMessage state={state} />
      <SubmitButton variant="danger" pendingText="Cancelling…">
        Cancel booking
      </SubmitButton>
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
