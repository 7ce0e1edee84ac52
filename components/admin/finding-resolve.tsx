"use client";
import { useActionState } from "react";
import { useFormStatus } from "react-dom";
import { FormMessage } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import type { Resolution } from "@/lib/payments/reconcile-rules";
import { resolveFindingAction } from "@/lib/runtime/actions";

const BUTTON_WORDS: Record<Resolution, [string, string]> = {
  refund: ["Refund", "Refunding…"],
  confirm: ["Confirm payment", "Confirming…"],
  dismiss: ["Dismiss", "Dismissing…"],
};

/**
 * What one click can do with a reconciliation finding: refund or confirm (one button each), and dismiss with
 * a note. The server resolves a finding once, whatever is clicked twice or by two admins.
 */
export function FindingResolve({ findingId, actions }: { findingId: string; actions: Resolution[] }) {
  const [state, action] = useActionState(resolveFindingAction, initialActionState);
  if (state.ok) return <FormMessage state={state} />;
  const oneClick = actions.filter((a) => a !== "dismiss");
  return (
    <div className="space-y-1">
      {oneClick.map((a) => (
        <form key={a} action={action}>
          <input type="hidden" name="findingId" value={findingId} />
          <input type="hidden" name="action" value={a} />
          <ResolveButton what={a} />
        </form>
      ))}
      {actions.includes("dismiss") ? (
        <form action={action} className="flex flex-wrap items-start gap-2">
          <input type="hidden" name="findingId" value={findingId} />
          <input type="hidden" name="action" value="dismiss" />
          <label className="sr-only" htmlFor={`finding-note-${findingId}`}>
            Why this finding needs nothing more
          </label>
          <input
            id={`finding-note-${findingId}`}
            name="note"
            required
            placeholder="Why it needs nothing more"
            defaultValue={state.values?.action === "dismiss" ? state.values.note : undefined}
            className="min-w-[10rem] flex-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
          />
          <ResolveButton what="dismiss" />
        </form>
      ) : null}
      <FormMessage state={state} />
      {state.fieldErrors?.note ? <p className="text-sm text-red-700">{state.fieldErrors.note[0]}</p> : null}
    </div>
  );
}

function ResolveButton({ what }: { what: Resolution }) {
  const { pending } = useFormStatus();
  const [idle, busy] = BUTTON_WORDS[what];
  return (
    <button
      type="submit"
      disabled={pending}
      className="rounded-md border border-slate-300 px-3 py-1 text-sm font-semibold disabled:opacity-60"
    >
      {pending ? busy : idle}
    </button>
  );
}
