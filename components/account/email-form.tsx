"use client";
import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { changeEmailAction } from "@/lib/auth/actions";

export function EmailForm() {
  const [state, action] = useActionState(changeEmailAction, initialActionState);
  return (
    <form action={action} aria-label="Email address" className="space-y-3" noValidate>
      <FormMessage state={state} />
      <Field label="New email address" name="newEmail" type="email" autoComplete="email" required state={state} />
      <Field
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        state={state}
      />
      <SubmitButton pendingText="Sending…">Send a confirmation link</SubmitButton>
    </form>
  );
}
