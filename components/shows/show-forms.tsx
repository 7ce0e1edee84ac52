"use client";
import { useActionState, useState } from "react";
import { Field, FormMessage, inputClass, SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { centsToAmount } from "@/lib/money";
import { buyTicketAction, cancelShowAction, cancelTicketAction, scheduleShowAction } from "@/lib/shows/actions";

export function BuyTicketForm({ eventId, label }: { eventId: string; label: string }) {
  const [state, action] = useActionState(buyTicketAction, initialActionState);
  return (
    <form action={action} className="space-y-2" data-testid="buy-ticket-form">
      <input type="hidden" name="eventId" value={eventId} />
      <FormMessage state={state} />
      <SubmitButton pendingText="Holding your seat…">{label}</SubmitButton>
    </form>
  );
}

export function CancelTicketForm({
  eventId,
  ticketId,
  consequence,
}: {
  eventId: string;
  ticketId: string;
  consequence: string;
}) {
  const [state, action] = useActionState(cancelTicketAction, initialActionState);
  const [asked, setAsked] = useState(false);
  if (state.ok && state.message) return <FormMessage state={state} />;
  return asked ? (
    <form action={action} className="space-y-2" data-testid="cancel-ticket-form">
      <input type="hidden" name="eventId" value={eventId} />
      <input type="hidden" name="ticketId" value={ticketId} />
      <p className="text-sm text-slate-700">{consequence}</p>
      <FormMessage state={state} />
      <div className="flex gap-2">
        <SubmitButton variant="danger" pendingText="Cancelling…">
          Yes, cancel my ticket
        </SubmitButton>
        <button type="button" className="px-3 text-sm underline" onClick={() => setAsked(false)}>
          Keep it
        </button>
      </div>
    </form>
  ) : (
    <button
      type="button"
      className="rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold"
      onClick={() => setAsked(true)}
    >
      Cancel my ticket
    </button>
  );
}

export function CancelShowForm({ eventId, sold }: { eventId: string; sold: number }) {
  const [state, action] = useActionState(cancelShowAction, initialActionState);
  const [asked, setAsked] = useState(false);
  if (state.ok && state.message) return <FormMessage state={state} />;
  return asked ? (
    <form action={action} className="space-y-3" data-testid="cancel-show-form">
      <input type="hidden" name="eventId" value={eventId} />
      <p className="text-sm text-slate-700">
        {sold
          ? `Every ticket (${sold}) is refunded in full and each holder is emailed, with your reason.`
          : "Nobody has a ticket yet; the show disappears from your profile."}
      </p>
      <Field label="Reason (sent to ticket holders)" name="reason" state={state} />
      <FormMessage state={state} />
      <div className="flex gap-2">
        <SubmitButton variant="danger" pendingText="Cancelling…">
          Cancel the show
        </SubmitButton>
        <button type="button" className="px-3 text-sm underline" onClick={() => setAsked(false)}>
          Keep it
        </button>
      </div>
    </form>
  ) : (
    <button
      type="button"
      data-testid="cancel-show"
      className="rounded-md border border-red-300 px-4 py-2 text-sm font-semibold text-red-800"
      onClick={() => setAsked(true)}
    >
      Cancel this show…
    </button>
  );
}

export type ScheduleOffering = {
  id: string;
  title: string;
  durationMinutes: number;
  capacity: number | null;
  priceCents: number;
  currency: string;
};

/** Two hours from now on the hour, as a datetime-local value in this browser's time zone. */
function defaultStart() {
  const d = new Date(Date.now() + 2 * 3_600_000);
  d.setMinutes(0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * Studio: schedule a show from a group-room offering; title, length, seats and price start as the
 * offering's. The start is typed in the browser's time zone and sent as an instant.
 */
export function ScheduleShowForm({ offerings }: { offerings: ScheduleOffering[] }) {
  const [state, action] = useActionState(scheduleShowAction, initialActionState);
  const [offeringId, setOfferingId] = useState(state.values?.offeringId ?? offerings[0]?.id ?? "");
  const o = offerings.find((x) => x.id === offeringId) ?? offerings[0];
  const [local, setLocal] = useState(defaultStart);
  const instant = local && !Number.isNaN(new Date(local).getTime()) ? new Date(local).toISOString() : "";
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!o) return null;
  return (
    <form action={action} className="space-y-4" noValidate aria-label="Schedule a show" data-testid="schedule-show">
      <FormMessage state={state} />
      <div>
        <label htmlFor="show-offering" className="block text-sm font-medium text-slate-800">
          Offering
        </label>
        <select
          id="show-offering"
          name="offeringId"
          value={offeringId}
          onChange={(e) => setOfferingId(e.target.value)}
          className={inputClass}
        >
          {offerings.map((x) => (
            <option key={x.id} value={x.id}>
              {x.title}
            </option>
          ))}
        </select>
      </div>
      {/* key: the offering's defaults fill the fields again when another offering is chosen. */}
      <div key={o.id} className="grid gap-4 sm:grid-cols-2">
        <Field label="Title" name="title" defaultValue={o.title} required state={state} />
        <div>
          <label htmlFor="show-start" className="block text-sm font-medium text-slate-800">
            Starts ({zone})
          </label>
          <input
            id="show-start"
            type="datetime-local"
            value={local}
            onChange={(e) => setLocal(e.target.value)}
            className={inputClass}
            required
          />
          <input type="hidden" name="startsAt" value={instant} />
          {state.fieldErrors?.startsAt ? (
            <p className="mt-1 text-sm text-red-700">{state.fieldErrors.startsAt[0]}</p>
          ) : null}
        </div>
        <Field
          label="Length (minutes)"
          name="durationMinutes"
          inputMode="numeric"
          defaultValue={String(o.durationMinutes)}
          state={state}
        />
        <Field
          label="Seats"
          name="capacity"
          inputMode="numeric"
          defaultValue={String(o.capacity ?? 10)}
          state={state}
        />
        <Field
          label={`Ticket price (${o.currency})`}
          name="price"
          inputMode="decimal"
          defaultValue={centsToAmount(o.priceCents)}
          state={state}
        />
      </div>
      <SubmitButton pendingText="Scheduling…">Schedule the show</SubmitButton>
    </form>
  );
}
