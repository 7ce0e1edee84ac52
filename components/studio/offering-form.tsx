"use client";
import { useActionState, useState } from "react";
import { Checkbox, Field, FormMessage, SubmitButton, TextArea, inputClass } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { saveOfferingAction } from "@/lib/creators/actions";
import { centsToAmount, currencies } from "@/lib/money";
import { type RecordingPolicyName, recordingPolicies, recordingPolicyLabels } from "@/lib/recordings/rules/policy";

export type OfferingDraft = {
  id?: string;
  kind: "private_session" | "group_room";
  title: string;
  description: string;
  durationMinutes: number;
  priceCents: number;
  currency: string;
  capacity: number | null;
  minNoticeMinutes: number;
  horizonDays: number;
  freeCancellationHours: number;
  recordingPolicy: RecordingPolicyName;
  recordingRetentionDays: number | null;
  active: boolean;
};

/** Adds an offering (no id) or edits one. The same form serves both so the rules cannot drift apart. */
export function OfferingForm({ offering }: { offering: OfferingDraft }) {
  const [state, action] = useActionState(saveOfferingAction, initialActionState);
  const v = state.values;
  const [kind, setKind] = useState(v?.kind ?? offering.kind);
  const editing = Boolean(offering.id);
  const name = editing ? `Edit ${offering.title}` : "New offering";
  return (
    <form action={action} className="space-y-4" noValidate aria-label={name}>
      <FormMessage state={state} />
      {offering.id ? <input type="hidden" name="id" value={offering.id} /> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Title" name="title" defaultValue={offering.title} required state={state} />
        <div>
          <label htmlFor={`kind-${offering.id ?? "new"}`} className="block text-sm font-medium text-slate-800">
            Kind
          </label>
          <select
            id={`kind-${offering.id ?? "new"}`}
            name="kind"
            value={kind}
            onChange={(e) => setKind(e.target.value as OfferingDraft["kind"])}
            className={inputClass}
          >
            <option value="private_session">Private 1:1 session</option>
            <option value="group_room">Group room (tickets)</option>
          </select>
        </div>
      </div>
      <TextArea label="Description" name="description" rows={2} defaultValue={offering.description} state={state} />
      <div className="grid gap-4 sm:grid-cols-4">
        <Field
          label={kind === "group_room" ? "Ticket price" : "Price"}
          name="price"
          inputMode="decimal"
          defaultValue={offering.priceCents ? centsToAmount(offering.priceCents) : ""}
          placeholder="25.00"
          state={state}
        />
        <div>
          <label htmlFor={`cur-${offering.id ?? "new"}`} className="block text-sm font-medium text-slate-800">
            Currency
          </label>
          <select
            id={`cur-${offering.id ?? "new"}`}
            name="currency"
            defaultValue={v?.currency ?? offering.currency}
            key={v?.currency ?? offering.currency}
            className={inputClass}
          >
            {currencies.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </div>
        <Field
          label="Minutes"
          name="durationMinutes"
          type="number"
          min={10}
          max={240}
          step={5}
          defaultValue={offering.durationMinutes}
          state={state}
        />
        {kind === "group_room" ? (
          <Field
            label="Seats"
            name="capacity"
            type="number"
            min={2}
            max={1000}
            defaultValue={offering.capacity ?? ""}
            state={state}
          />
        ) : null}
      </div>
      {/* Opened when one of its fields has an error, so no problem hides in a closed section. */}
      <details
        className="text-sm"
        open={
          ["minNoticeMinutes", "horizonDays", "freeCancellationHours"].some((f) => state.fieldErrors?.[f]) || undefined
        }
      >
        <summary className="cursor-pointer text-slate-700">Booking rules</summary>
        <div className="mt-3 grid gap-4 sm:grid-cols-3">
          <Field
            label="Minimum notice (minutes)"
            name="minNoticeMinutes"
            type="number"
            min={0}
            defaultValue={offering.minNoticeMinutes}
            state={state}
          />
          <Field
            label="Bookable up to (days ahead)"
            name="horizonDays"
            type="number"
            min={1}
            max={365}
            defaultValue={offering.horizonDays}
            state={state}
          />
          <Field
            label="Free cancellation until (hours before)"
            name="freeCancellationHours"
            type="number"
            min={0}
            defaultValue={offering.freeCancellationHours}
            state={state}
          />
        </div>
      </details>
      {/* Group shows are not recorded yet: the choice is for private sessions. */}
      <div className={kind === "private_session" ? "grid gap-4 sm:grid-cols-2" : "hidden"}>
        <div>
          <label htmlFor={`rec-${offering.id ?? "new"}`} className="block text-sm font-medium text-slate-800">
            Recording
          </label>
          <select
            id={`rec-${offering.id ?? "new"}`}
            name="recordingPolicy"
            defaultValue={v?.recordingPolicy ?? offering.recordingPolicy}
            key={v?.recordingPolicy ?? offering.recordingPolicy}
            className={inputClass}
            aria-describedby={`rec-help-${offering.id ?? "new"}`}
          >
            {recordingPolicies.map((p) => (
              <option key={p} value={p}>
                {recordingPolicyLabels[p]}
              </option>
            ))}
          </select>
          <p id={`rec-help-${offering.id ?? "new"}`} className="mt-1 text-xs text-slate-600">
            Viewers are told before they pay and before they join; everyone sees when a recording runs.
          </p>
        </div>
        <Field
          label="Keep recordings (days; blank: the platform's default)"
          name="recordingRetentionDays"
          type="number"
          min={1}
          max={3650}
          defaultValue={offering.recordingRetentionDays ?? ""}
          state={state}
        />
      </div>
      <Checkbox label="Active: viewers can book it" name="active" defaultChecked={offering.active} state={state} />
      <SubmitButton>{editing ? "Save offering" : "Add offering"}</SubmitButton>
    </form>
  );
}
