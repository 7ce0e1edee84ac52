"use client";
import { useActionState } from "react";
import { FormMessage, TextArea } from "@/components/ui/form";
import { initialActionState } from "@/lib/action-state";
import { decideVerificationAction } from "@/lib/verification/actions";

/** Approve or decline one creator's identity and age check, with a note the creator reads. */
export function VerificationDecision({ verificationId, name }: { verificationId: string; name: string }) {
  const [state, action] = useActionState(decideVerificationAction, initialActionState);
  if (state.ok) return <FormMessage state={state} />;
  return (
    <form action={action} className="space-y-2" aria-label={`Decide on ${name}`} noValidate>
      <FormMessage state={state} />
      <input type="hidden" name="verificationId" value={verificationId} />
      <TextArea label="Note to the creator (also in the audit log)" name="note" state={state} rows={2} required />
      <div className="flex gap-2">
        <button
          type="submit"
          name="decision"
          value="approve"
          className="rounded-md bg-green-700 px-3 py-1.5 text-sm font-semibold text-white"
        >
          Approve
        </button>
        <button
          type="submit"
          name="decision"
          value="decline"
          className="rounded-md bg-red-700 px-3 py-1.5 text-sm font-semibold text-white"
        >
          Decline
        </button>
      </div>
    </form>
  );
}
