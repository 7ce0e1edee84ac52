"use client";
import { useState } from "react";
import { ReportReasonOptions } from "@/components/moderation/report-reason-options";
import { callApi } from "./api";

/** "Report": a small form under the call; sending it keeps the call running (POST /api/reports). */
export function ReportInRoom({ bookingId, otherName }: { bookingId: string; otherName: string }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [details, setDetails] = useState("");
  const [state, setState] = useState<{ kind: "idle" | "busy" } | { kind: "done" | "error"; text: string }>({
    kind: "idle",
  });
  if (state.kind === "done")
    return (
      <p role="status" className="text-sm text-slate-300" data-testid="room-report-sent">
        {state.text}
      </p>
    );
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)} className="text-sm text-slate-300 underline hover:text-white">
        Report {otherName}
      </button>
    );
  const send = async () => {
    if (!reason) {
      setState({ kind: "error", text: "Choose what the report is about." });
      return;
    }
    setState({ kind: "busy" });
    const res = await callApi<{ message: string }>("/api/reports", {
      body: { context: "room", bookingId, reason, details },
    });
    setState(res.ok ? { kind: "done", text: res.data.message } : { kind: "error", text: res.error });
  };
  return (
    <fieldset className="space-y-2 rounded-lg border border-slate-700 p-3">
      <legend className="px-1 text-sm font-medium">Report {otherName}</legend>
      <label className="block text-sm">
        What happened?
        <select
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          className="mt-1 block w-full rounded-md border border-slate-600 bg-slate-900 px-2 py-1.5 text-sm"
        >
          <ReportReasonOptions />
        </select>
      </label>
      <label className="block text-sm">
        Details (optional; only our team reads them)
        <textarea
          value={details}
          onChange={(e) => setDetails(e.target.value)}
          maxLength={2000}
          rows={2}
          className="mt-1 block w-full rounded-md border border-slate-600 bg-slate-900 px-2 py-1.5 text-sm"
        />
      </label>
      {state.kind === "error" ? (
        <p role="alert" className="text-sm text-red-300">
          {state.text}
        </p>
      ) : null}
      <div className="flex gap-3">
        <button
          type="button"
          onClick={() => void send()}
          disabled={state.kind === "busy"}
          className="rounded-md bg-red-700 px-3 py-1.5 text-sm font-semibold text-white disabled:opacity-60"
        >
          {state.kind === "busy" ? "Sending…" : "Send report"}
        </button>
        <button type="button" onClick={() => setOpen(false)} className="text-sm text-slate-300 underline">
          Cancel
        </button>
      </div>
    </fieldset>
  );
}
