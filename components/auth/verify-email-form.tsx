"use client";
import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { verifyEmailAction } from "@/lib/auth/actions";

export function VerifyEmailForm({ token, callbackUrl }: { token: string; callbackUrl?: string }) {
  const [state, action] = useActionState(verifyEmailAction, initialActionState);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="token" value={token} />
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      <SubmitButton pendingText="Confirming…" className="w-full">
        Confirm my email and sign in
      </SubmitButton>
    </form>
  );
}
