import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { buyTicket } from "@/lib/shows/service";
import { createUser } from "../helpers/factories";
import { scheduledShow } from "../helpers/shows";

// Buying needs a confirmed email address (lib/payments/checkout.ts, for bookings, tickets and tips alike).
describe("a confirmed address is needed to buy", () => {
  it("refuses an unconfirmed buyer with a 403 that says what to do, writes nothing, then sells once confirmed", async () => {
    const { event } = await scheduledShow();
    const buyer = await createUser({ unverified: true });
    const err = await buyTicket(buyer, event.id).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(403);
    expect(err.details).toEqual({ reason: "email_unverified" });
    expect(err.message).toMatch(/Confirm your email address before paying/);
    expect(await db.ticket.count({ where: { viewerId: buyer.id } })).toBe(0);
    expect((await db.groupEvent.findUniqueOrThrow({ where: { id: event.id } })).ticketsSold).toBe(0);

    await db.user.update({ where: { id: buyer.id }, data: { emailVerifiedAt: new Date() } });
    const { ticketId } = await buyTicket(buyer, event.id);
    expect(ticketId).toBeTruthy();
  });
});
