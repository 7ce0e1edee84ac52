"use client";
import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { changeNameAction } from "@/lib/auth/actions";

export function NameForm({ name }: { name: string }) {
  const [state, action] = useActionState(changeNameAction, initialActionState);
  return (
    <form action={action} aria-label="Your name" className="space-y-3" noValidate>
      <FormMessage state={state} />
      <Field label="Your name" name="name" autoComplete="name" defaultValue={name} required state={state} />
      <SubmitButton>Save name</SubmitButton>
    </form>
  );
}
