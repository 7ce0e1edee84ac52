"use client";
import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { cancelTestCheckoutAction, payTestCheckoutAction } from "@/lib/payments/actions";

export function TestCheckoutForms({ sessionId }: { sessionId: string }) {
  const [payState, pay] = useActionState(payTestCheckoutAction, initialActionState);
  const [cancelState, cancel] = useActionState(cancelTestCheckoutAction, initialActionState);
  return (
    <div className="space-y-3">
      <FormMessage state={payState} />
      <FormMessage state={cancelState} />
      <div className="flex gap-3">
        <form action={pay}>
          <input type="hidden" name="sessionId" value={sessionId} />
          <SubmitButton pendingText="Paying…">Pay (test mode)</SubmitButton>
        </form>
        <form action={cancel}>
          <input type="hidden" name="sessionId" value={sessionId} />
          <SubmitButton variant="secondary" pendingText="Cancelling…">
            Cancel
          </SubmitButton>
        </form>
      </div>
    </div>
  );
}
