"use client";
import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import {
  confirmTwoFactorAction,
  disableTwoFactorAction,
  startTwoFactorAction,
  type TwoFactorState,
} from "@/lib/auth/actions";

export function StartTwoFactorForm({ restart }: { restart: boolean }) {
  const [state, action] = useActionState(startTwoFactorAction, initialActionState);
  return (
    <form action={action} className="space-y-3">
      <FormMessage state={state} />
      <SubmitButton pendingText="Preparing…" variant={restart ? "secondary" : "primary"}>
        {restart ? "Get a new key" : "Set up two-step sign-in"}
      </SubmitButton>
    </form>
  );
}

/** Confirms enrolment with a code; then shows the recovery codes, once. */
export function ConfirmTwoFactorForm() {
  const [state, action] = useActionState<TwoFactorState, FormData>(confirmTwoFactorAction, initialActionState);
  if (state.ok && state.recoveryCodes) {
    return (
      <div className="space-y-3" data-testid="recovery-codes">
        <FormMessage state={state} />
        <p className="text-sm text-slate-700">
          Save these recovery codes somewhere safe (a password manager, or printed). Each one signs you in once if you
          lose your phone. They are shown only now.
        </p>
        <ul className="grid grid-cols-2 gap-2 font-mono text-sm">
          {state.recoveryCodes.map((c) => (
            <li key={c} className="rounded bg-slate-100 px-2 py-1">
              {c}
            </li>
          ))}
        </ul>
        <a href="/account" className="inline-block text-sm font-medium text-brand underline">
          I saved them: back to my account
        </a>
      </div>
    );
  }
  return (
    <form action={action} className="space-y-3" noValidate aria-label="Confirm two-step sign-in">
      <FormMessage state={state} />
      <Field
        label="Code from the app"
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        required
        hint="Enter the 6-digit code your authenticator app shows."
        state={state}
      />
      <SubmitButton pendingText="Checking…">Turn on</SubmitButton>
    </form>
  );
}

export function DisableTwoFactorForm() {
  const [state, action] = useActionState(disableTwoFactorAction, initialActionState);
  return (
    <form action={action} className="space-y-3" noValidate aria-label="Turn off two-step sign-in">
      <FormMessage state={state} />
      <Field
        label="Current password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        state={state}
      />
      <Field
        label="Code from the app, or a recovery code"
        name="code"
        autoComplete="one-time-code"
        required
        state={state}
      />
      <SubmitButton pendingText="Turning off…" variant="danger">
        Turn off two-step sign-in
      </SubmitButton>
    </form>
  );
}
