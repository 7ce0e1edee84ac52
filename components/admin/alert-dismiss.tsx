"use client";
import { useActionState } from "react";
import { useFormStatus } from "react-dom";
import { FormMessage } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { dismissAlertAction } from "@/lib/payments/actions";

/** Dismiss one operations alert with a note (kept in the audit log). */
export function AlertDismiss({ alertId }: { alertId: string }) {
  const [state, action] = useActionState(dismissAlertAction, initialActionState);
  if (state.ok) return <FormMessage state={state} />;
  return (
    <form action={action} className="mt-1 flex flex-wrap items-start gap-2">
      <input type="hidden" name="alertId" value={alertId} />
      <label className="sr-only" htmlFor={`note-${alertId}`}>
        Why this alert needs nothing more
      </label>
      <input
        id={`note-${alertId}`}
        name="note"
        required
        placeholder="Why it needs nothing more"
        defaultValue={state.values?.note}
        key={state.values?.note ?? ""}
        className="min-w-[16rem] flex-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
      />
      <DismissButton />
      <div className="w-full">
        <FormMessage state={state} />
        {state.fieldErrors?.note ? <p className="text-sm text-red-700">{state.fieldErrors.note[0]}</p> : null}
      </div>
    </form>
  );
}

function DismissButton() {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      disabled={pending}
      className="rounded-md border border-slate-300 px-3 py-1 text-sm font-semibold disabled:opacity-60"
    >
      {pending ? "Dismissing…" : "Dismiss"}
    </button>
  );
}
