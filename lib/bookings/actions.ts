"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { formObject, runAction, type ActionState } from "@/lib/action";
import { requireRole, requireUser } from "@/lib/auth/session";
import { rescheduleBooking } from "./reschedule";
import { adminRefundBooking, bookSlot, cancelBooking } from "./service";

// POST (server action) – the viewer picks a slot: hold it and go to checkout
export async function startBookingAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  let checkoutUrl = "";
  const state = await runAction(form, async () => {
    const user = await requireUser();
    checkoutUrl = (await bookSlot(user, formObject(form))).checkoutUrl;
  });
  if (state.ok && checkoutUrl) redirect(checkoutUrl);
  return state;
}

// POST (server action) – the viewer, the creator or an admin cancels a booking
export async function cancelBookingAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const user = await requireUser();
    const id = String(form.get("bookingId") ?? "");
    const result = await cancelBooking(user, id, { reason: form.get("reason") || undefined });
    revalidatePath(`/bookings/${id}`);
    return result.refundCents > 0 ? "Cancelled. The refund is on its way." : "Cancelled.";
  });
}

// POST (server action) – an admin refunds a booking's payment from its page
export async function adminRefundAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const admin = await requireRole("admin");
    const id = String(form.get("bookingId") ?? "");
    const { amount, ...rest } = formObject(form) as Record<string, string>;
    const amountCents = amount ? Math.round(Number(amount.replace(",", ".")) * 100) : undefined;
    await adminRefundBooking(admin, id, { ...rest, amountCents: Number.isFinite(amountCents) ? amountCents : amount });
    revalidatePath(`/bookings/${id}`);
    return "Refund requested.";
  });
}

// POST (server action) – the viewer, the creator or an admin moves a confirmed booking to another open time
export async function rescheduleBookingAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const user = await requireUser();
    const id = String(form.get("bookingId") ?? "");
    // Fresh times on the page either way: after "that time was just taken" the list must not offer it again.
    await rescheduleBooking(user, id, { startsAt: form.get("startsAt") }).finally(() =>
      revalidatePath(`/bookings/${id}`),
    );
    return "Moved. Both of you get an email with the updated calendar entry.";
  });
}
