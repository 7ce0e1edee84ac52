import { describe, expect, it } from "vitest";
import { adminRefundBooking, bookSlot, cancelBooking } from "@/lib/bookings/service";
import { applyAsCreator } from "@/lib/creators/applications";
import { db } from "@/lib/db";
import type { AppError } from "@/lib/errors";
import { budgets, takeBudget } from "@/lib/rate-limit";
import { buyTicket } from "@/lib/shows/service";
import { bookableOffering, deliver, hold, sessionFor, signedEvent } from "../helpers/bookings";
import { createCreator, createUser, TEST_PASSWORD } from "../helpers/factories";
import { HttpClient } from "../helpers/http";

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as AppError,
  );

/** Spends a user's whole budget of `name` (as many earlier requests would have). */
async function exhaust(name: keyof typeof budgets, key: string) {
  for (let i = 0; i < budgets[name].points(); i++) await takeBudget(name, key);
}

describe("holding times costs something", () => {
  it("one viewer holds at most 2 unpaid times or seats at once, across creators; the third is refused with when to try again", async () => {
    const viewer = await createUser();
    const a = await bookableOffering();
    const b = await bookableOffering();
    await bookSlot(viewer, { offeringId: a.offering.id, startsAt: a.slots[0]!.toISOString() });
    await bookSlot(viewer, { offeringId: b.offering.id, startsAt: b.slots[0]!.toISOString() });
    const c = await bookableOffering();
    const err = await refusal(bookSlot(viewer, { offeringId: c.offering.id, startsAt: c.slots[0]!.toISOString() }));
    expect(err?.status).toBe(429);
    expect(err?.message).toMatch(
      /^You already hold 2 unpaid times or seats\. Pay for one or cancel it .* try again in 1[45] min/,
    );
    expect(err?.details).toMatchObject({ reason: "holds", retryAfterSeconds: expect.any(Number) });
    expect((err?.details?.retryAfterSeconds as number) > 13 * 60).toBe(true);
    // Nothing was held for the refused one: the third creator's calendar is untouched.
    expect(await db.booking.count({ where: { creatorId: c.creator.profile.id } })).toBe(0);
    // A show's seat counts as a hold too.
    const creator = await createCreator();
    const offering = await db.offering.create({
      data: {
        creatorId: creator.profile.id,
        kind: "group_room",
        title: "Show",
        durationMinutes: 60,
        priceCents: 900,
        currency: "EUR",
        capacity: 5,
      },
    });
    const startsAt = new Date(Date.now() + 86_400_000);
    const event = await db.groupEvent.create({
      data: {
        offeringId: offering.id,
        creatorId: creator.profile.id,
        title: "Show",
        startsAt,
        endsAt: new Date(startsAt.getTime() + 3_600_000),
        capacity: 5,
        priceCents: 900,
        currency: "EUR",
      },
    });
    expect((await refusal(buyTicket(viewer, event.id)))?.status).toBe(429);
    expect((await db.groupEvent.findUniqueOrThrow({ where: { id: event.id } })).ticketsSold).toBe(0);
    // Letting one hold go frees a place.
    const first = await db.booking.findFirstOrThrow({
      where: { viewerId: viewer.id, creatorId: a.creator.profile.id },
    });
    await cancelBooking(viewer, first.id);
    await bookSlot(viewer, { offeringId: c.offering.id, startsAt: c.slots[0]!.toISOString() });
  });

  it("parallel clicks of one viewer on five times give exactly two holds", async () => {
    const viewer = await createUser();
    const { offering, slots } = await bookableOffering();
    const results = await Promise.allSettled(
      slots.slice(0, 5).map((s) => bookSlot(viewer, { offeringId: offering.id, startsAt: s.toISOString() })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    expect(
      results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.status),
    ).toEqual([429, 429, 429]);
    expect(await db.booking.count({ where: { viewerId: viewer.id, status: "pending_payment" } })).toBe(2);
  });

  it("a paid booking is not a hold; and the API answers 429 with the wait as JSON", async () => {
    const viewer = await createUser();
    const { offering, slots } = await bookableOffering();
    for (const s of slots.slice(0, 2)) {
      const h = await hold(offering.id, s, viewer);
      await deliver(signedEvent("checkout.session.completed", sessionFor(h.payment)));
    }
    const third = await hold(offering.id, slots[2]!, viewer); // two paid, one held: fine
    expect(third.bookingId).toBeTruthy();
    await hold(offering.id, slots[3]!, viewer);
    const c = new HttpClient();
    await c.signIn(viewer.email, TEST_PASSWORD, "198.51.100.250");
    const res = await c.json("/api/bookings", "POST", { offeringId: offering.id, startsAt: slots[4]!.toISOString() });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({
      code: "rate_limited",
      details: { retryAfterSeconds: expect.any(Number) },
    });
  });
});

describe("every action that creates rows has a budget", () => {
  it("checkouts per hour: the 11th in an hour is refused, with when to try again", async () => {
    const viewer = await createUser();
    await exhaust("checkout", viewer.id);
    const { offering, slots } = await bookableOffering();
    const err = await refusal(bookSlot(viewer, { offeringId: offering.id, startsAt: slots[0]!.toISOString() }));
    expect([err?.status, err?.message]).toEqual([
      429,
      expect.stringMatching(/^Too many checkouts started; try again in \d+ min\.$/),
    ]);
    expect(await db.booking.count({ where: { viewerId: viewer.id } })).toBe(0);
  });

  it("cancellations, creator applications and admin actions are refused past their budget, and write nothing", async () => {
    const { offering, slots } = await bookableOffering();
    const h = await hold(offering.id, slots[0]!);
    await exhaust("cancellation", h.viewer.id);
    expect((await refusal(cancelBooking(h.viewer, h.bookingId)))?.status).toBe(429);
    expect((await db.booking.findUniqueOrThrow({ where: { id: h.bookingId } })).status).toBe("pending_payment");

    const applicant = await createUser();
    await exhaust("application", applicant.id);
    const err = await refusal(
      applyAsCreator(applicant, { displayName: "Ana", pitch: "I teach watercolour to beginners online." }),
    );
    expect([err?.status, err?.message]).toEqual([
      429,
      expect.stringMatching(/^Too many creator applications; try again in \d+ h\.$/),
    ]);
    expect(await db.creatorApplication.count({ where: { userId: applicant.id } })).toBe(0);

    const admin = await createUser({ role: "admin" });
    await exhaust("adminAction", admin.id);
    expect(
      (await refusal(adminRefundBooking(admin, h.bookingId, { amountCents: 100, reason: "goodwill" })))?.status,
    ).toBe(429);
    expect(await db.refund.count({ where: { payment: { bookingId: h.bookingId } } })).toBe(0);
  });
});
