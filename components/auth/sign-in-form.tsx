"use client";
import Link from "next/link";
import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { signInAction, type SignInState } from "@/lib/auth/actions";

export function SignInForm({ callbackUrl }: { callbackUrl?: string }) {
  const [state, action] = useActionState<SignInState, FormData>(signInAction, initialActionState);
  // Second step of an account with two-step sign-in: the password was right; the code comes next.
  if (state.pending) {
    return (
      <form action={action} className="space-y-4" noValidate aria-label="Two-step sign-in code">
        <FormMessage state={state} />
        {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
        <input type="hidden" name="email" value={state.email ?? ""} />
        <input type="hidden" name="pending" value={state.pending} />
        <Field
          label="Code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          autoFocus
          required
          hint="The 6-digit code from your authenticator app, or one of your recovery codes."
          state={{ ...state, values: undefined }}
        />
        <SubmitButton pendingText="Checking…" className="w-full">
          Verify
        </SubmitButton>
        <p className="text-center text-sm text-slate-600">
          <a href="/signin" className="text-brand underline">
            Start again
          </a>
        </p>
      </form>
    );
  }
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage state={state} />
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      <Field label="Email" name="email" type="email" autoComplete="email" required state={state} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required state={state} />
      <p className="-mt-2 text-right text-sm">
        <Link href="/forgot-password" className="text-brand underline">
          Forgot your password?
        </Link>
      </p>
      <SubmitButton pendingText="Signing in…" className="w-full">
        Sign in
      </SubmitButton>
      <p className="text-center text-sm text-slate-600">
        New here?{" "}
        <Link
          href={callbackUrl ? `/signup?callbackUrl=${encodeURIComponent(callbackUrl)}` : "/signup"}
          className="font-medium text-brand underline"
        >
          Create an account
        </Link>
      </p>
    </form>
  );
}
