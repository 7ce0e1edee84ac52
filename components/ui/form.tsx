"use client";
import { cn } from "@/lib/cn";
import { useId } from "react";
import { useFormStatus } from "react-dom";
import type { ActionState } from "@/lib/action";

export const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm focus:border-brand focus:outline-none focus:ring-2 focus:ring-brand/40 aria-[invalid=true]:border-red-600";

type FieldProps = {
  label: string;
  name: string;
  state?: ActionState;
  hint?: string;
  className?: string;
} & Omit<React.InputHTMLAttributes<HTMLInputElement>, "name">;

/**
 * What a labelled control needs to show the server's answer for `name`: a unique id (a page can
 * hold several forms with the same field names), its error, the submitted value to keep, and the
 * accessibility attributes tying them together. `key` remounts the control when that value changes.
 */
function useFieldState(name: string, state: ActionState | undefined, defaultValue: unknown, hint?: string) {
  const id = `f-${name}-${useId()}`;
  const error = state?.fieldErrors?.[name]?.[0];
  const value = (state?.values?.[name] ?? defaultValue) as string | number | undefined;
  const control = {
    id,
    name,
    defaultValue: value,
    key: String(value ?? ""),
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${id}-error` : hint ? `${id}-hint` : undefined,
    className: inputClass,
  } as const;
  return { id, error, control };
}

function Labelled({
  id,
  label,
  error,
  hint,
  className,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  className?: string;
  children: React.ReactNode;
}) {
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      {hint && !error ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

/** A labelled input that shows the server's error for its name and keeps the submitted value. */
export function Field({ label, name, state, hint, className, defaultValue, ...rest }: FieldProps) {
  const { id, error, control } = useFieldState(name, state, defaultValue, hint);
  const { key, ...props } = control;
  return (
    <Labelled id={id} label={label} error={error} hint={hint} className={className}>
      <input key={key} {...props} {...rest} />
    </Labelled>
  );
}

export function FieldError({ id, message }: { id?: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="mt-1 text-sm text-red-700">
      {message}
    </p>
  );
}

/** The form's overall outcome, announced to screen readers. */
export function FormMessage({ state }: { state: ActionState }) {
  if (!state.message) return null;
  return (
    <p
      role={state.ok ? "status" : "alert"}
      className={cn("rounded-md px-3 py-2 text-sm", state.ok ? "bg-green-50 text-green-800" : "bg-red-50 text-red-800")}
    >
      {state.message}
    </p>
  );
}

export function SubmitButton({
  children,
  pendingText,
  variant = "primary",
  className,
  label,
}: {
  children: React.ReactNode;
  pendingText?: string;
  variant?: "primary" | "secondary" | "danger";
  className?: string;
  /** The accessible name when the visible text alone is ambiguous (a row of "Suspend" buttons). */
  label?: string;
}) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      disabled={pending}
      aria-disabled={pending}
      aria-label={label}
      className={cn(
        "inline-flex items-center justify-center rounded-md px-4 py-2 text-sm font-semibold shadow-sm disabled:opacity-60",
        variant === "primary" && "bg-brand text-on-brand hover:opacity-90",
        variant === "secondary" && "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50",
        variant === "danger" && "bg-red-700 text-white hover:bg-red-800",
        className,
      )}
    >
      {pending ? (pendingText ?? "Saving…") : children}
    </button>
  );
}

/** A labelled checkbox that keeps the submitted state after a failed submission. */
export function Checkbox({
  label,
  name,
  defaultChecked,
  state,
}: {
  label: string;
  name: string;
  defaultChecked: boolean;
  state?: ActionState;
}) {
  const checked = state?.values ? state.values[name] === "on" : defaultChecked;
  return (
    <label className="flex items-center gap-2 text-sm">
      <input type="checkbox" name={name} defaultChecked={checked} key={String(checked)} className="h-4 w-4" />
      {label}
    </label>
  );
}

/** A labelled textarea with the same error and kept-value behaviour as Field. */
export function TextArea({
  label,
  name,
  state,
  defaultValue,
  rows = 3,
  required,
}: {
  label: string;
  name: string;
  state?: ActionState;
  defaultValue?: string;
  rows?: number;
  required?: boolean;
}) {
  const { id, error, control } = useFieldState(name, state, defaultValue);
  const { key, ...props } = control;
  return (
    <Labelled id={id} label={label} error={error}>
      <textarea key={key} rows={rows} required={required} {...props} />
    </Labelled>
  );
}
