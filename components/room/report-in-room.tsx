"use client";
import { useState } from "react";
import { ReportReasonOptions } from "@/components/moderation/report-reason-options";
import { callApi } from "./api";

/** What the report is about: the other side of a booking, a show's host, or one message of a show's chat. */
export type InRoomReportTarget =
  | { context: "room"; bookingId: string }
  | { context: "show_room"; eventId: string }
  | { context: "chat"; eventId: string; messageId: string };

/**
 * "Report": a small form under the call (or beside a chat message); sending it keeps the call running
 * (POST /api/reports). Used by the private room, the show room and each message of a show's chat.
 */
export function ReportInRoom({
  target,
  otherName,
  label,
  compact = false,
}: {
  target: InRoomReportTarget;
  otherName: string;
  /** The button's words; "Report <name>" by default. */
  label?: string;
  compact?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [details, setDetails] = useState("");
  const [state, setState] = useState<{ kind: "idle" | "busy" } | { kind: "done" | "error"; text: string }>({
    kind: "idle",
  });
  const title = label ?? `Report ${otherName}`;
  if (state.kind === "done")
    return (
      <p role="status" className="text-sm text-slate-300" data-testid="room-report-sent">
        {state.text}
      </p>
    );
  if (!open)
    return (
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-label={compact ? `Report this message by ${otherName}` : undefined}
        className={
          compact
            ? "text-xs text-slate-400 underline hover:text-white"
            : "text-sm text-slate-300 underline hover:text-white"
        }
      >
        {compact ? "Report" : title}
      </button>
    );
  const send = async () => {
    if (!reason) {
      setState({ kind: "error", text: "Choose what the report is about." });
      return;
    }
    setState({ kind: "busy" });
    const res = await callApi<{ message: string }>("/api/reports", { body: { ...target, reason, details } });
    setState(res.ok ? { kind: "done", text: res.data.message } : { kind: "error", text: res.error });
  };
  return (
    <fieldset className="space-y-2 rounded-lg border border-slate-700 p-3">
      <legend className="px-1 text-sm font-medium">{compact ? `Report this message by ${otherName}` : title}</legend>
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
