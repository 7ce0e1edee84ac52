"use client";
import { useActionState } from "react";
import { FieldError, FormMessage, SubmitButton, inputClass } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { dayName, formatTimeOfDay, weekdayOrder, type WeeklyRule } from "@/lib/creators/availability";
import { addBlackoutAction, removeBlackoutAction, saveAvailabilityAction } from "@/lib/creators/actions";
import { Field } from "@/components/ui/form";
import { cn } from "@/lib/cn";

/** Seven days, up to two time ranges each, in the creator's own time zone. */
export function AvailabilityForm({ rules, timeZone }: { rules: WeeklyRule[]; timeZone: string }) {
  const [state, action] = useActionState(saveAvailabilityAction, initialActionState);
  const value = (day: number, slot: 1 | 2, edge: "start" | "end") => {
    const key = `day${day}_${edge}${slot}`;
    if (state.values) return state.values[key] ?? "";
    const r = rules.filter((x) => x.weekday === day)[slot - 1];
    return r ? formatTimeOfDay(edge === "start" ? r.startMinute : r.endMinute) : "";
  };
  return (
    <form action={action} className="space-y-3" noValidate aria-label="Weekly availability">
      <FormMessage state={state} />
      <p className="text-sm text-slate-600">
        Times are in your time zone, {timeZone}. Leave a day empty when you're not available.
      </p>
      <table className="w-full text-sm">
        <thead className="sr-only">
          <tr>
            <th>Day</th>
            <th>First range</th>
            <th>Second range</th>
          </tr>
        </thead>
        <tbody>
          {weekdayOrder.map((day) => {
            const name = dayName(day);
            const error = state.fieldErrors?.[name]?.[0];
            return (
              <tr key={day} className="align-top">
                <th scope="row" className="py-2 pr-3 text-left font-medium">
                  {name}
                  <FieldError message={error} />
                </th>
                {([1, 2] as const).map((slot) => (
                  <td key={slot} className="py-1 pr-3">
                    <div className="flex items-center gap-1">
                      <input
                        type="time"
                        aria-label={`${name} ${slot === 1 ? "first" : "second"} range start`}
                        name={`day${day}_start${slot}`}
                        defaultValue={value(day, slot, "start")}
                        key={`s${value(day, slot, "start")}`}
                        className={cn(inputClass, "mt-0")}
                      />
                      <span aria-hidden>–</span>
                      <input
                        type="time"
                        aria-label={`${name} ${slot === 1 ? "first" : "second"} range end`}
                        name={`day${day}_end${slot}`}
                        defaultValue={value(day, slot, "end")}
                        key={`e${value(day, slot, "end")}`}
                        className={cn(inputClass, "mt-0")}
                      />
                    </div>
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      <SubmitButton>Save availability</SubmitButton>
    </form>
  );
}

export function BlackoutForm() {
  const [state, action] = useActionState(addBlackoutAction, initialActionState);
  return (
    <form action={action} className="flex flex-wrap items-end gap-3" noValidate aria-label="Block a date">
      <Field label="Date" name="date" type="date" required state={state} />
      <Field label="Note (only you see it)" name="reason" state={state} />
      <SubmitButton variant="secondary">Block date</SubmitButton>
      <div className="w-full">
        <FormMessage state={state} />
      </div>
    </form>
  );
}

export function RemoveBlackoutButton({ id, label }: { id: string; label: string }) {
  const [state, action] = useActionState(removeBlackoutAction, initialActionState);
  return (
    <form action={action} className="inline">
      <input type="hidden" name="id" value={id} />
      <button type="submit" className="text-sm text-red-700 underline" aria-label={`Unblock ${label}`}>
        Unblock
      </button>
      {!state.ok && state.message ? (
        <span role="alert" className="ml-2 text-sm text-red-700">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
