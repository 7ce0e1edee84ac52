"use client";
import { useActionState } from "react";
import { SubmitButton } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { changeRoleAction, setStatusAction } from "@/lib/users/actions";

type User = { id: string; email: string; role: string; status: string };

function Outcome({
  ok,
  message: summary,
  fieldErrors,
}: {
  ok: boolean;
  message?: string;
  fieldErrors?: Record<string, string[] | undefined>;
}) {
  // Small inline forms: show the specific field problem rather than "fix the highlighted fields".
  const message = Object.values(fieldErrors ?? {})[0]?.[0] ?? summary;
  if (!message) return null;
  return (
    <span role={ok ? "status" : "alert"} className={ok ? "text-xs text-green-800" : "text-xs text-red-700"}>
      {message}
    </span>
  );
}

export function RoleControl({ user, disabled }: { user: User; disabled: boolean }) {
  const [state, action] = useActionState(changeRoleAction, initialActionState);
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="userId" value={user.id} />
      <label className="sr-only" htmlFor={`role-${user.id}`}>
        Role of {user.email}
      </label>
      <select
        id={`role-${user.id}`}
        name="role"
        defaultValue={user.role}
        disabled={disabled}
        className="rounded-md border border-slate-300 px-2 py-1 text-sm"
      >
        <option value="viewer">viewer</option>
        <option value="creator">creator</option>
        <option value="admin">admin</option>
      </select>
      {disabled ? null : (
        <SubmitButton variant="secondary" pendingText="…" className="px-2 py-1">
          Set role
        </SubmitButton>
      )}
      <Outcome {...state} />
    </form>
  );
}

export function StatusControl({ user, disabled }: { user: User; disabled: boolean }) {
  const [state, action] = useActionState(setStatusAction, initialActionState);
  const suspending = user.status === "active";
  if (disabled) return <span className="text-xs text-slate-500">That's you</span>;
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="userId" value={user.id} />
      <input type="hidden" name="status" value={suspending ? "suspended" : "active"} />
      {suspending ? (
        <>
          <label className="sr-only" htmlFor={`reason-${user.id}`}>
            Reason for suspending {user.email}
          </label>
          <input
            id={`reason-${user.id}`}
            name="reason"
            placeholder="Reason (optional)"
            defaultValue={state.values?.reason}
            key={state.values?.reason ?? ""}
            className="w-36 rounded-md border border-slate-300 px-2 py-1 text-sm"
          />
        </>
      ) : null}
      <SubmitButton
        variant={suspending ? "danger" : "secondary"}
        pendingText="…"
        className="px-2 py-1"
        label={`${suspending ? "Suspend" : "Reinstate"} ${user.email}`}
      >
        {suspending ? "Suspend" : "Reinstate"}
      </SubmitButton>
      <Outcome {...state} />
    </form>
  );
}
