"use client";
import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { deleteAccountAction } from "@/lib/users/actions";

export function DeleteAccountForm() {
  const [state, action] = useActionState(deleteAccountAction, initialActionState);
  const confirmError = state.fieldErrors?.confirm?.[0];
  return (
    <form action={action} aria-label="Delete account" className="space-y-3" noValidate>
      <FormMessage state={state} />
      <Field
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        state={state}
      />
      <div>
        <label className="flex items-start gap-2 text-sm text-slate-800">
          <input
            type="checkbox"
            name="confirm"
            className="mt-0.5 h-4 w-4"
            aria-invalid={confirmError ? true : undefined}
            aria-describedby={confirmError ? "delete-confirm-error" : undefined}
          />
          <span>I understand that this cannot be undone.</span>
        </label>
        {confirmError ? (
          <p id="delete-confirm-error" className="mt-1 text-sm text-red-700">
            {confirmError}
          </p>
        ) : null}
      </div>
      <SubmitButton variant="danger" pendingText="Deleting…">
        Delete my account
      </SubmitButton>
    </form>
  );
}
