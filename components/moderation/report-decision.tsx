"use client";
import { useActionState } from "react";
import { FormMessage, SubmitButton, TextArea } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { handleReportAction } from "@/lib/moderation/actions";
import { reportActions } from "@/lib/moderation/schemas";

/** The admin's decision on one report: an action, a note for the audit log (and a warning's text). */
export function ReportDecision({
  reportId,
  available,
}: {
  reportId: string;
  available: (keyof typeof reportActions)[];
}) {
  const [state, action] = useActionState(handleReportAction, initialActionState);
  if (state.ok) return <FormMessage state={state} />;
  const actionError = state.fieldErrors?.action?.[0];
  return (
    <form action={action} className="space-y-2">
      <FormMessage state={state} />
      <input type="hidden" name="reportId" value={reportId} />
      <label htmlFor={`action-${reportId}`} className="block text-sm font-medium text-slate-800">
        Action
      </label>
      <select
        id={`action-${reportId}`}
        name="action"
        defaultValue={state.values?.action ?? ""}
        aria-invalid={actionError ? true : undefined}
        className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
      >
        <option value="" disabled>
          Choose an action
        </option>
        {available.map((a) => (
          <option key={a} value={a}>
            {reportActions[a]}
          </option>
        ))}
      </select>
      {actionError ? <p className="text-sm text-red-700">{actionError}</p> : null}
      <TextArea label="Why (audit log; a warning's text)" name="note" rows={2} state={state} />
      <SubmitButton pendingText="Saving…">Apply</SubmitButton>
    </form>
  );
}
