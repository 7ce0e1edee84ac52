"use server";
import { redirect } from "next/navigation";
import { runAction, type ActionState } from "@/lib/action";
import { requireUser } from "@/lib/auth/session";
import { cancelTestCheckout, payTestCheckout } from "./test-checkout";

// POST (server action) – "Pay (test mode)": the signed checkout.session.completed goes through the webhook path
export async function payTestCheckoutAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  let bookingId = "";
  const state = await runAction(form, async () => {
    const user = await requireUser();
    bookingId = await payTestCheckout(user.id, String(form.get("sessionId") ?? ""));
  });
  if (state.ok) redirect(`/bookings/${bookingId}?checkout=success`);
  return state;
}

// POST (server action) – "Cancel": the test session expires and the held time is released
export async function cancelTestCheckoutAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  let bookingId = "";
  const state = await runAction(form, async () => {
    const user = await requireUser();
    bookingId = await cancelTestCheckout(user.id, String(form.get("sessionId") ?? ""));
  });
  if (state.ok) redirect(`/bookings/${bookingId}?checkout=cancelled`);
  return state;
}
