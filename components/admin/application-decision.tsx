"use client";
import { useActionState } from "react";
import { useFormStatus } from "react-dom";
import { FormMessage } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { decideApplicationAction } from "@/lib/creators/actions";

export function ApplicationDecision({ applicationId, name }: { applicationId: string; name: string }) {
  const [state, action] = useActionState(decideApplicationAction, initialActionState);
  if (state.ok) return <FormMessage state={state} />;
  return (
    <form action={action} className="space-y-2">
      <FormMessage state={state} />
      <input type="hidden" name="applicationId" value={applicationId} />
      <label className="sr-only" htmlFor={`note-${applicationId}`}>
        Note to {name}
      </label>
      <input
        id={`note-${applicationId}`}
        name="note"
        placeholder="Note to the applicant (optional)"
        defaultValue={state.values?.note}
        key={state.values?.note ?? ""}
        className="w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
      />
      {state.fieldErrors?.note ? <p className="text-sm text-red-700">{state.fieldErrors.note[0]}</p> : null}
      <DecisionButtons name={name} />
    </form>
  );
}

/**
 * Approve and Decline, disabled while the decision is on its way, the pressed one saying so
 * ("Approving…"): a slow answer must not look like nothing happened, nor invite a second click.
 */
function DecisionButtons({ name }: { name: string }) {
  const { pending, data } = useFormStatus();
  const pressed = pending ? data?.get("decision") : null;
  return (
    <div className="flex gap-2" aria-busy={pending || undefined}>
      <button
        type="submit"
        name="decision"
        value="approve"
        disabled={pending}
        className="rounded-md bg-brand px-3 py-1.5 text-sm font-semibold text-on-brand disabled:opacity-60"
      >
        {pressed === "approve" ? "Approving…" : `Approve ${name}`}
      </button>
      <button
        type="submit"
        name="decision"
        value="decline"
        disabled={pending}
        className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-semibold disabled:opacity-60"
      >
        {pressed === "decline" ? "Declining…" : "Decline"}
      </button>
    </div>
  );
}
