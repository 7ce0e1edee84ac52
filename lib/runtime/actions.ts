"use server";
import { revalidatePath } from "next/cache";
import { type ActionState, formObject, runAction } from "@/lib/action";
import { requireUser } from "@/lib/auth/session";
import { resolveFinding } from "@/lib/payments/reconciliation";
import { purchases } from "./purchases";

// POST (server action) – an admin resolves a reconciliation finding on /admin/reconciliation with one click:
// refund, confirm, or dismiss with a note. Here, not in lib/payments: confirming settles the purchase, and the
// purchase kinds are wired in lib/runtime.
export async function resolveFindingAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const done = await resolveFinding(await requireUser(), formObject(form), { purchases });
    revalidatePath("/admin/reconciliation");
    return "message" in done ? done.message : "Finding dismissed; the audit log keeps your note.";
  });
}
