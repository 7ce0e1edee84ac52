"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { type ActionState, formObject, runAction } from "@/lib/action";
import { requireUser } from "@/lib/auth/session";
import { dismissAlert } from "./reconciliation";
import { cancelTestCheckout, payTestCheckout } from "./test-checkout";

// POST (server action) – "Pay (test mode)": the signed checkout.session.completed goes to the webhook over HTTP
export async function payTestCheckoutAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  let back = "";
  const state = await runAction(form, async () => {
    const user = await requireUser();
    back = await payTestCheckout(user.id, String(form.get("sessionId") ?? ""));
  });
  if (state.ok) redirect(`${back}?checkout=success`);
  return state;
}

// POST (server action) – "Cancel": the test session expires and the hold is released
export async function cancelTestCheckoutAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  let back = "";
  const state = await runAction(form, async () => {
    const user = await requireUser();
    back = await cancelTestCheckout(user.id, String(form.get("sessionId") ?? ""));
  });
  if (state.ok) redirect(`${back}?checkout=cancelled`);
  return state;
}

// POST (server action) – an admin dismisses an operations alert on /admin/reconciliation, with a note
export async function dismissAlertAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    await dismissAlert(await requireUser(), formObject(form));
    revalidatePath("/admin/reconciliation");
    return "Alert dismissed; the audit log keeps your note.";
  });
}
