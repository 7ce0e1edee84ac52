"use client";
import { useActionState } from "react";
import { Field, FormMessage, SubmitButton, TextArea } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { applyAsCreatorAction } from "@/lib/creators/actions";

export function ApplyForm({ defaultName }: { defaultName: string }) {
  const [state, action] = useActionState(applyAsCreatorAction, initialActionState);
  if (state.ok) return <FormMessage state={state} />;
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage state={state} />
      <Field label="Name viewers will see" name="displayName" defaultValue={defaultName} required state={state} />
      <TextArea label="What will you offer?" name="pitch" rows={4} required state={state} />
      <SubmitButton pendingText="Sending…">Apply to become a creator</SubmitButton>
    </form>
  );
}
