"use client";
import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { resendVerificationAction } from "@/lib/auth/actions";

/** Shown until the address is confirmed; "send the link again" is limited to 3 an hour. */
export function ConfirmEmailBanner({ email }: { email: string }) {
  const [state, action] = useActionState(resendVerificationAction, initialActionState);
  return (
    <section
      aria-label="Confirm your email"
      className="rounded-xl border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900"
    >
      <p>Confirm your email address ({email}) with the link we sent you. Can't find it?</p>
      <form action={action} className="mt-3 space-y-2">
        <FormMessage state={state} />
        <SubmitButton variant="secondary" pendingText="Sending…">
          Send the link again
        </SubmitButton>
      </form>
    </section>
  );
}
