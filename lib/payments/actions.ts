"use server";
import { redirect } from "next/navigation";
import { type ActionState, runAction } from "@/lib/action";
import { requireUser } from "@/lib/auth/session";
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
