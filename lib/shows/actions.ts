"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { formObject, runAction, type ActionState } from "@/lib/action";
import { requireUser } from "@/lib/auth/session";
import { buyTicket, cancelShow, cancelTicket, scheduleShow } from "./service";

const id = (form: FormData, name: string) => String(form.get(name) ?? "");

// POST (server action) – a viewer buys a ticket: a seat is held and the checkout opens.
export async function buyTicketAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  let checkoutUrl = "";
  const state = await runAction(form, async () => {
    checkoutUrl = (await buyTicket(await requireUser(), id(form, "eventId"))).checkoutUrl;
  });
  if (state.ok && checkoutUrl) redirect(checkoutUrl);
  return state;
}

// POST (server action) – a ticket holder cancels their ticket (refunded inside the free-cancellation window).
export async function cancelTicketAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const result = await cancelTicket(await requireUser(), id(form, "ticketId"));
    revalidatePath(`/shows/${id(form, "eventId")}`);
    return result.refunded ? "Ticket cancelled. The refund is on its way." : "Ticket cancelled.";
  });
}

// POST (server action) – studio: schedule a show from a group-room offering.
export async function scheduleShowAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  let created = "";
  const state = await runAction(form, async () => {
    const raw = formObject(form) as Record<string, string>;
    const { price, ...rest } = raw;
    created = (await scheduleShow(await requireUser(), { ...rest, ...(price?.trim() ? { price } : {}) })).id;
  });
  if (state.ok && created) redirect(`/shows/${created}`);
  return state;
}

// POST (server action) – the creator or an admin cancels a show: every ticket refunded.
export async function cancelShowAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const eventId = id(form, "eventId");
    const { refundedTickets } = await cancelShow(await requireUser(), eventId, {
      reason: form.get("reason") || undefined,
    });
    revalidatePath(`/shows/${eventId}`);
    revalidatePath("/studio/shows");
    return refundedTickets
      ? `Show cancelled. ${refundedTickets} ticket${refundedTickets === 1 ? "" : "s"} refunded.`
      : "Show cancelled.";
  });
}
