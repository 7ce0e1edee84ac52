"use client";
import { useActionState, useId } from "react";
import { FieldError, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { changeTimeZoneAction } from "@/lib/auth/actions";

/** The zone the app shows this person's times in: pages, emails and reminders. */
export function TimeZoneForm({ current, zones }: { current: string; zones: string[] }) {
  const [state, action] = useActionState(changeTimeZoneAction, initialActionState);
  const id = useId();
  const error = state.fieldErrors?.timeZone?.[0];
  return (
    <form action={action} aria-label="Time zone" className="space-y-3" noValidate>
      <FormMessage state={state} />
      <div>
        <label htmlFor={id} className="block text-sm font-medium text-slate-800">
          Your time zone
        </label>
        <select
          id={id}
          name="timeZone"
          defaultValue={state.values?.timeZone ?? current}
          className={inputClass}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        >
          {zones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
        <FieldError id={`${id}-error`} message={error} />
      </div>
      <SubmitButton pendingText="Saving…">Save time zone</SubmitButton>
    </form>
  );
}
