"use client";
import { useActionState, useState } from "react";
import { FormMessage, SubmitButton, TextArea } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { fileReportAction } from "@/lib/moderation/actions";
import { ReportReasonOptions } from "./report-reason-options";

/** "Report …": folded until opened; the reason, optional details, then a thank-you. */
export function ReportForm({
  context,
  bookingId,
  creatorSlug,
  subjectName,
}: {
  context: "booking" | "profile";
  bookingId?: string;
  creatorSlug?: string;
  subjectName: string;
}) {
  const [open, setOpen] = useState(false);
  const [state, action] = useActionState(fileReportAction, initialActionState);
  if (state.ok) return <FormMessage state={state} />;
  if (!open)
    return (
      <button
        type="button"
        onClick={() => setOpen(true)}
        className="text-sm text-slate-600 underline hover:text-slate-900"
      >
        Report {subjectName}
      </button>
    );
  const reasonError = state.fieldErrors?.reason?.[0];
  return (
    <form
      action={action}
      aria-label={`Report ${subjectName}`}
      className="space-y-3 rounded-lg border border-slate-200 p-4"
    >
      <FormMessage state={state} />
      <input type="hidden" name="context" value={context} />
      {bookingId ? <input type="hidden" name="bookingId" value={bookingId} /> : null}
      {creatorSlug ? <input type="hidden" name="creatorSlug" value={creatorSlug} /> : null}
      <div>
        <label htmlFor={`report-reason-${context}`} className="block text-sm font-medium text-slate-800">
          What happened?
        </label>
        <select
          id={`report-reason-${context}`}
          name="reason"
          defaultValue={state.values?.reason ?? ""}
          aria-invalid={reasonError ? true : undefined}
          className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
        >
          <ReportReasonOptions />
        </select>
        {reasonError ? <p className="mt-1 text-sm text-red-700">{reasonError}</p> : null}
      </div>
      <TextArea label="Details (optional; only our team reads them)" name="details" state={state} />
      <div className="flex gap-2">
        <SubmitButton pendingText="Sending…" variant="danger">
          Send report
        </SubmitButton>
        <button type="button" onClick={() => setOpen(false)} className="text-sm text-slate-600 underline">
          Cancel
        </button>
      </div>
    </form>
  );
}
