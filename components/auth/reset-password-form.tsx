"use client";
import Link from "next/link";
import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { resetPasswordAction } from "@/lib/auth/actions";

export function ResetPasswordForm({ token }: { token: string }) {
  const [state, action] = useActionState(resetPasswordAction, initialActionState);
  const linkProblem = state.fieldErrors?.token?.[0];
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage state={state} />
      {linkProblem ? (
        <p className="text-sm">
          <Link href="/forgot-password" className="font-medium text-brand underline">
            Ask for a new link
          </Link>
        </p>
      ) : null}
      <input type="hidden" name="token" value={token} />
      <Field
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={10}
        hint="At least 10 characters. Every device signed in to your account will be signed out."
        state={state}
      />
      <SubmitButton pendingText="Saving…" className="w-full">
        Save the new password
      </SubmitButton>
    </form>
  );
}
