"use client";
import Link from "next/link";
import { useActionState, useEffect, useState } from "react";
import { Field, FieldError, FormMessage, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { signUpAction } from "@/lib/auth/actions";

export function SignUpForm({ callbackUrl }: { callbackUrl?: string }) {
  const [state, action] = useActionState(signUpAction, initialActionState);
  // The browser's zone becomes the account's (changeable in account settings); UTC if it cannot tell.
  const [zone, setZone] = useState("");
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone ?? ""), []);
  // The answer is the same whether or not the address already had an account: "check your inbox".
  if (state.ok)
    return (
      <div className="space-y-3" data-testid="signup-sent">
        <FormMessage state={state} />
        <p className="text-sm text-slate-600">
          Already confirmed?{" "}
          <Link
            href={callbackUrl ? `/signin?callbackUrl=${encodeURIComponent(callbackUrl)}` : "/signin"}
            className="font-medium text-brand underline"
          >
            Sign in
          </Link>
        </p>
      </div>
    );
  const termsError = state.fieldErrors?.acceptTerms?.[0];
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage state={state} />
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      <input type="hidden" name="timeZone" value={zone} />
      <Field label="Your name" name="name" autoComplete="name" required state={state} />
      <Field label="Email" name="email" type="email" autoComplete="email" required state={state} />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={10}
        hint="At least 10 characters."
        state={state}
      />
      <div>
        <label className="flex items-start gap-2 text-sm text-slate-800">
          <input
            type="checkbox"
            name="acceptTerms"
            required
            defaultChecked={state.values?.acceptTerms === "on"}
            key={String(state.values?.acceptTerms === "on")}
            aria-invalid={termsError ? true : undefined}
            aria-describedby={termsError ? "accept-terms-error" : undefined}
            className="mt-0.5 h-4 w-4"
          />
          <span>
            I agree to the{" "}
            <Link href="/legal/terms" target="_blank" className="font-medium text-brand underline">
              terms of service
            </Link>{" "}
            and have read the{" "}
            <Link href="/legal/privacy" target="_blank" className="font-medium text-brand underline">
              privacy policy
            </Link>
            .
          </span>
        </label>
        <FieldError id="accept-terms-error" message={termsError} />
      </div>
      <SubmitButton pendingText="Creating your account…" className="w-full">
        Create account
      </SubmitButton>
      <p className="text-center text-sm text-slate-600">
        Already have an account?{" "}
        <Link href="/signin" className="font-medium text-brand underline">
          Sign in
        </Link>
      </p>
    </form>
  );
}
