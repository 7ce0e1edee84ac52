"use client";
import Link from "next/link";
import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { forgotPasswordAction } from "@/lib/auth/actions";

export function ForgotPasswordForm() {
  const [state, action] = useActionState(forgotPasswordAction, initialActionState);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage state={state} />
      <Field label="Email" name="email" type="email" autoComplete="email" required state={state} />
      <SubmitButton pendingText="Sending…" className="w-full">
        Email me a reset link
      </SubmitButton>
      <p className="text-center text-sm text-slate-600">
        Remembered it?{" "}
        <Link href="/signin" className="font-medium text-brand underline">
          Sign in
        </Link>
      </p>
    </form>
  );
}
