"use client";
import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { confirmEmailChangeAction } from "@/lib/auth/actions";

export function ConfirmEmailChangeForm({ token }: { token: string }) {
  const [state, action] = useActionState(confirmEmailChangeAction, initialActionState);
  if (state.ok) return <FormMessage state={state} />;
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="token" value={token} />
      <SubmitButton pendingText="Confirming…" className="w-full">
        Make this my email address
      </SubmitButton>
    </form>
  );
}
