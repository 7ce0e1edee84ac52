"use client";
import { useActionState } from "react";
import { Field, FieldError, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { applyAsCreatorAction } from "@/lib/creators/actions";

export function ApplyForm({ defaultName }: { defaultName: string }) {
  const [state, action] = useActionState(applyAsCreatorAction, initialActionState);
  if (state.ok) return <FormMessage state={state} />;
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage state={state} />
      <Field label="Name viewers will see" name="displayName" defaultValue={defaultName} required state={state} />
      <div>
        <label htmlFor="f-pitch" className="block text-sm font-medium text-slate-800">
          What will you offer?
        </label>
        <textarea
          id="f-pitch"
          name="pitch"
          rows={4}
          required
          defaultValue={state.values?.pitch}
          aria-invalid={state.fieldErrors?.pitch ? true : undefined}
          aria-describedby="f-pitch-error"
          className={inputClass}
        />
        <FieldError id="f-pitch-error" message={state.fieldErrors?.pitch?.[0]} />
      </div>
      <SubmitButton pendingText="Sending…">Apply to become a creator</SubmitButton>
    </form>
  );
}
