import ical, { type VEvent } from "node-ical";
import { describe, expect, it } from "vitest";
import { getBookingCalendar, getBookingPage, getOpenSlots } from "@/lib/bookings/queries";
import { RESCHEDULE_NOT_OFFERED, rescheduleBooking } from "@/lib/bookings/reschedule";
import { SLOT_TAKEN, bookSlot, cancelBooking } from "@/lib/bookings/service";
import { db } from "@/lib/db";
import type { AppError } from "@/lib/errors";
import { budgets, takeBudget } from "@/lib/rate-limit";
import { bookableOffering, deliver, hold, sessionFor, signedEvent, traceTypes } from "../helpers/bookings";
import { flushEffects } from "../helpers/effects";
import { TEST_PASSWORD, createUser } from "../helpers/factories";
import { HttpClient, callServerAction } from "../helpers/http";
import { paidSession } from "../helpers/sessions";

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as AppError,
  );

const confirmedHold = async (offeringId: string, startsAt: Date) => {
  const h = await hold(offeringId, startsAt);
  await deliver(signedEvent("checkout.session.completed", sessionFor(h.payment)));
  return h;
};

const HOUR = 3_600_000;
/** The calendar event in a file: UID, SEQUENCE, status, start and its zone. */
function eventOf(ics: string) {
  const e = Object.values(ical.sync.parseICS(ics)).find((c) => c?.type === "VEVENT") as VEvent;
  return {
    uid: e.uid,
    sequence: Number(e.sequence),
    status: e.status,
    start: new Date(e.start).toISOString(),
    tz: e.start.tz,
    method: /^METHOD:(\w+)/m.exec(ics)?.[1],
  };
}

async function mailsOf(traceId: string, subjectStart: string) {
  return db.emailMessage.findMany({
    where: { traceId, subject: { startsWith: subjectStart } },
    orderBy: [{ createdAt: "asc" }, { toAddress: "asc" }],
  });
}

describe("moving a booking to another time", () => {
  it("the viewer moves a confirmed booking in place: same booking, payment and trace, no money moves, both times on the trace, mail to both sides with the same calendar UID and a higher SEQUENCE", async () => {
    const { offering, slots, creator } = await bookableOffering({ timeZone: "Europe/Lisbon" });
    const [first, second, third] = slots.filter((s) => s.getTime() > Date.now() + 30 * HOUR);
    const { viewer, bookingId, payment } = await confirmedHold(offering.id, first!);
    const before = await db.booking.findUniqueOrThrow({ where: { id: bookingId } });
    await db.offering.update({ where: { id: offering.id }, data: { priceCents: 9900 } }); // the price changed since

    const moved = await rescheduleBooking(viewer, bookingId, { startsAt: second!.toISOString() });
    expect(moved).toMatchObject({ id: bookingId, startsAt: second, endsAt: new Date(second!.getTime() + HOUR) });

    const after = await db.booking.findUniqueOrThrow({ where: { id: bookingId }, include: { payments: true } });
    expect([after.id, after.traceId, after.status, after.holdsSlot]).toEqual([
      before.id,
      before.traceId,
      "confirmed",
      true,
    ]);
    expect([after.startsAt, after.endsAt]).toEqual([second, new Date(second!.getTime() + HOUR)]);
    // The price paid stays; no second payment and no refund.
    expect(after.priceCents).toBe(4500);
    expect(after.payments.map((p) => [p.id, p.status, p.amountCents, p.refundedCents])).toEqual([
      [payment.id, "paid", 4500, 0],
    ]);
    expect(await db.refund.count({ where: { paymentId: payment.id } })).toBe(0);

    // The old time is open again; the new one is not.
    const open = (await getOpenSlots(offering.id, { days: 30 }, "default"))!.slots.map((s) => s.startsAt.getTime());
    expect(open).toContain(first!.getTime());
    expect(open).not.toContain(second!.getTime());

    const events = await db.traceEvent.findMany({ where: { traceId: before.traceId, type: "booking.rescheduled" } });
    expect(events.map((e) => [e.actorId, e.payload])).toEqual([
      [
        viewer.id,
        {
          bookingId,
          by: "viewer",
          fromStartsAt: first!.toISOString(),
          fromEndsAt: new Date(first!.getTime() + HOUR).toISOString(),
          toStartsAt: second!.toISOString(),
          toEndsAt: new Date(second!.getTime() + HOUR).toISOString(),
        },
      ],
    ]);

    // One email to each side, with the booking's calendar UID, SEQUENCE 1, in each one's own zone.
    const confirmedIcs = eventOf((await mailsOf(before.traceId, "Booked"))[0]!.icsContent!);
    expect(confirmedIcs.sequence).toBe(0);
    const moves = await mailsOf(before.traceId, "Moved");
    expect(moves.map((m) => m.toAddress).sort()).toEqual([creator.user.email, viewer.email].sort());
    for (const m of moves) {
      const e = eventOf(m.icsContent!);
      expect(e).toMatchObject({ uid: confirmedIcs.uid, sequence: 1, method: "PUBLISH", start: second!.toISOString() });
      expect(e.tz).toBe(m.toAddress === viewer.email ? "America/New_York" : "Europe/Lisbon");
    }
    const toCreator = moves.find((m) => m.toAddress === creator.user.email)!;
    expect(toCreator.textBody).toMatch(
      /Test User moved the session "Portfolio review" from .* to .*\(Europe\/Lisbon\)/,
    );
    expect(moves.find((m) => m.toAddress === viewer.email)!.textBody).toMatch(
      /The price stays €45\.00, already paid; nothing more is charged\./,
    );

    // A second move (by the creator) and then a cancellation each replace the event: SEQUENCE 2, then 3.
    await rescheduleBooking(creator.user, bookingId, { startsAt: third!.toISOString() });
    expect((await mailsOf(before.traceId, "Moved")).map((m) => eventOf(m.icsContent!).sequence).sort()).toEqual([
      1, 1, 2, 2,
    ]);
    expect(eventOf((await getBookingCalendar(viewer, bookingId)).content)).toMatchObject({
      uid: confirmedIcs.uid,
      sequence: 2,
      start: third!.toISOString(),
    });
    await cancelBooking(viewer, bookingId, { reason: "Something came up at work" });
    const cancels = await mailsOf(before.traceId, "Cancelled");
    expect(cancels).toHaveLength(2);
    for (const m of cancels) expect(eventOf(m.icsContent!)).toMatchObject({ uid: confirmedIcs.uid, sequence: 3 });
    expect(eventOf((await getBookingCalendar(viewer, bookingId)).content).sequence).toBe(3);
    await flushEffects();
  });

  it("follows the cancellation rules: the viewer until the free-cancellation window, the creator and an admin until the start; only a confirmed booking, only its two sides", async () => {
    const { offering, slots, creator } = await bookableOffering();
    const soon = slots[0]!; // within 24 hours of now
    const later = slots.find((s) => s.getTime() > Date.now() + 30 * HOUR)!;
    const { viewer, bookingId } = await confirmedHold(offering.id, soon);
    const tooLate = await refusal(rescheduleBooking(viewer, bookingId, { startsAt: later.toISOString() }));
    expect([tooLate?.status, tooLate?.message]).toEqual([
      409,
      "A session can be moved up to 24 hours before it starts; it is too late now. Ask the creator, who can still move it.",
    ]);
    expect(
      (await refusal(rescheduleBooking(await createUser(), bookingId, { startsAt: later.toISOString() })))?.status,
    ).toBe(404);
    // The creator may still move it, and so may an admin.
    await rescheduleBooking(creator.user, bookingId, { startsAt: later.toISOString() });
    const admin = await createUser({ role: "admin" });
    const next = new Date(later.getTime() + HOUR);
    await rescheduleBooking(admin, bookingId, { startsAt: next.toISOString() });
    expect((await db.booking.findUniqueOrThrow({ where: { id: bookingId } })).startsAt).toEqual(next);
    expect(
      (await traceTypes((await db.booking.findUniqueOrThrow({ where: { id: bookingId } })).traceId)).filter(
        (t) => t === "booking.rescheduled",
      ),
    ).toHaveLength(2);

    // An unpaid hold does not move (it is released and booked again).
    const unpaid = await hold(offering.id, slots[2]!);
    const notPaid = await refusal(
      rescheduleBooking(unpaid.viewer, unpaid.bookingId, { startsAt: slots[3]!.toISOString() }),
    );
    expect([notPaid?.status, notPaid?.message]).toEqual([
      409,
      "This booking is pending payment, so it cannot be moved.",
    ]);
    // A session that started cannot move, even for the creator.
    const started = await paidSession({ startsInMinutes: -5 });
    const late = await refusal(
      rescheduleBooking(started.creator.user, started.booking.id, { startsAt: later.toISOString() }),
    );
    expect([late?.status, late?.message]).toEqual([409, "The session has already started; it cannot be moved."]);
  });

  it("only to an open time: not its own time, not outside the hours or notice, not a time someone else holds (409)", async () => {
    const { offering, slots, creator } = await bookableOffering();
    const { bookingId } = await confirmedHold(offering.id, slots[0]!);
    const current = await refusal(rescheduleBooking(creator.user, bookingId, { startsAt: slots[0]!.toISOString() }));
    expect([current?.status, current?.fieldErrors?.startsAt]).toEqual([
      422,
      ["Pick a time other than the current one"],
    ]);
    const odd = new Date(slots[4]!.getTime() + 7 * 60_000); // not on the offering's grid
    expect((await refusal(rescheduleBooking(creator.user, bookingId, { startsAt: odd.toISOString() })))?.message).toBe(
      RESCHEDULE_NOT_OFFERED,
    );
    const tooSoon = new Date(Math.ceil(Date.now() / HOUR) * HOUR); // inside the 60-minute notice
    expect(
      (await refusal(rescheduleBooking(creator.user, bookingId, { startsAt: tooSoon.toISOString() })))?.status,
    ).toBe(422);
    // Not a time at all: zod's error, which routes and actions answer with 422 naming the field.
    expect((await refusal(rescheduleBooking(creator.user, bookingId, { startsAt: "tomorrow" })))?.name).toBe(
      "ZodError",
    );
    // Someone else's hold and someone else's confirmed booking: "just taken", and nothing changes.
    await hold(offering.id, slots[2]!);
    await confirmedHold(offering.id, slots[3]!);
    for (const taken of [slots[2]!, slots[3]!]) {
      const err = await refusal(rescheduleBooking(creator.user, bookingId, { startsAt: taken.toISOString() }));
      expect([err?.status, err?.message]).toEqual([409, SLOT_TAKEN]);
    }
    // The booking keeps its own length (60 min, what was paid for) though the offering now sells 30.
    await db.offering.update({ where: { id: offering.id }, data: { durationMinutes: 30 } });
    const b = await db.booking.findUniqueOrThrow({ where: { id: bookingId } });
    const next = slots.find((s) => s > b.startsAt && s.getTime() - b.startsAt.getTime() >= 6 * HOUR)!;
    await rescheduleBooking(creator.user, bookingId, { startsAt: next.toISOString() });
    const moved = await db.booking.findUniqueOrThrow({ where: { id: bookingId } });
    expect(moved.endsAt.getTime() - moved.startsAt.getTime()).toBe(HOUR);
    expect(await db.traceEvent.count({ where: { traceId: b.traceId, type: "booking.rescheduled" } })).toBe(1);
  });

  it("two moves into one free time at once: one gets it, the other is told it was just taken; a new buyer racing a move too", async () => {
    const { offering, slots, creator } = await bookableOffering();
    const a = await confirmedHold(offering.id, slots[0]!);
    const b = await confirmedHold(offering.id, slots[1]!);
    const target = slots[6]!;
    const results = await Promise.allSettled([
      rescheduleBooking(creator.user, a.bookingId, { startsAt: target.toISOString() }),
      rescheduleBooking(creator.user, b.bookingId, { startsAt: target.toISOString() }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect([(lost.reason as AppError).status, (lost.reason as AppError).message]).toEqual([409, SLOT_TAKEN]);
    expect(await db.booking.count({ where: { creatorId: creator.profile.id, startsAt: target } })).toBe(1);
    // The loser still holds its own time.
    const loser = results[0]!.status === "rejected" ? a : b;
    expect((await db.booking.findUniqueOrThrow({ where: { id: loser.bookingId } })).startsAt).toEqual(
      loser === a ? slots[0] : slots[1],
    );

    // A move and a new checkout for the same time: exactly one of them has it.
    const free = slots[8]!;
    const buyer = await createUser();
    const race = await Promise.allSettled([
      rescheduleBooking(creator.user, loser.bookingId, { startsAt: free.toISOString() }),
      bookSlot(buyer, { offeringId: offering.id, startsAt: free.toISOString() }),
    ]);
    expect(race.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of race)
      if (r.status === "rejected")
        expect([(r.reason as AppError).status, (r.reason as AppError).message]).toEqual([409, SLOT_TAKEN]);
    expect(await db.booking.count({ where: { creatorId: creator.profile.id, startsAt: free, holdsSlot: true } })).toBe(
      1,
    );
  });

  it("POST /api/bookings/:id/reschedule: 200 with the new times, 422 naming the field, 415 for a form, 401 signed out, 429 past the budget", async () => {
    const { offering, slots } = await bookableOffering();
    const late = slots.filter((s) => s.getTime() > Date.now() + 30 * HOUR);
    const { viewer, bookingId } = await confirmedHold(offering.id, late[0]!);
    const c = new HttpClient();
    await c.signIn(viewer.email, TEST_PASSWORD, "198.51.100.240");
    const ok = await c.json(`/api/bookings/${bookingId}/reschedule`, "POST", { startsAt: late[1]!.toISOString() });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      id: bookingId,
      startsAt: late[1]!.toISOString(),
      endsAt: new Date(late[1]!.getTime() + HOUR).toISOString(),
    });
    const bad = await c.json(`/api/bookings/${bookingId}/reschedule`, "POST", { startsAt: "next tuesday" });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { fieldErrors: Record<string, string[]> }).fieldErrors.startsAt).toEqual([
      "Pick a time from the list",
    ]);
    const form = await c.fetch(`/api/bookings/${bookingId}/reschedule`, {
      method: "POST",
      body: new URLSearchParams({ startsAt: late[2]!.toISOString() }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
    expect(
      (
        await new HttpClient().json(`/api/bookings/${bookingId}/reschedule`, "POST", {
          startsAt: late[2]!.toISOString(),
        })
      ).status,
    ).toBe(401);

    // A control character in the path: 422, never reaching PostgreSQL.
    expect((await c.json(`/api/bookings/x%00y/reschedule`, "POST", { startsAt: late[2]!.toISOString() })).status).toBe(
      422,
    );

    // Past the budget (10 an hour): 429 with the wait, and the booking stays where it is.
    for (let i = 1; i < budgets.reschedule.points(); i++) await takeBudget("reschedule", viewer.id);
    const limited = await c.json(`/api/bookings/${bookingId}/reschedule`, "POST", { startsAt: late[2]!.toISOString() });
    expect(limited.status).toBe(429);
    expect(
      ((await limited.json()) as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds,
    ).toBeGreaterThan(0);
    expect((await db.booking.findUniqueOrThrow({ where: { id: bookingId } })).startsAt).toEqual(late[1]);
  });

  it("the room's closing and settlement follow the new time", async () => {
    const { sweepSessions, SETTLE_DELAY_MS } = await import("@/lib/sessions/lifecycle");
    const s = await paidSession({ startsInMinutes: 120, durationMinutes: 30 });
    await db.availabilityRule.createMany({
      data: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({
        creatorId: s.creator.profile.id,
        weekday,
        startMinute: 0,
        endMinute: 1440,
      })),
    });
    // Off the half-hour grid (as after an earlier change of hours): 10 minutes past a half hour.
    const HALF = 30 * 60_000;
    const start = new Date(Math.ceil((Date.now() + 2 * HOUR) / HALF) * HALF + 10 * 60_000);
    await db.booking.update({
      where: { id: s.booking.id },
      data: { startsAt: start, endsAt: new Date(start.getTime() + HALF) },
    });
    // A move that overlaps the booking's own time (20 minutes later) is fine: the row never collides with itself.
    const overlapping = new Date(start.getTime() + 20 * 60_000);
    await rescheduleBooking(s.creator.user, s.booking.id, { startsAt: overlapping.toISOString() });
    const oldEnd = overlapping.getTime() + HALF;
    const to = new Date(Math.ceil((Date.now() + 2 * 86_400_000) / HALF) * HALF);
    await rescheduleBooking(s.creator.user, s.booking.id, { startsAt: to.toISOString() });
    const only = { bookingIds: [s.booking.id] };
    // Past the old end plus grace and the settle delay: nothing closes or settles.
    await sweepSessions(new Date(oldEnd + 10 * 60_000 + SETTLE_DELAY_MS + 1000), only);
    expect(await db.roomSession.findUnique({ where: { bookingId: s.booking.id } })).toBeNull();
    expect((await db.booking.findUniqueOrThrow({ where: { id: s.booking.id } })).status).toBe("confirmed");
    // At the new end plus grace the room closes, and a minute later the session is settled.
    const newEnd = to.getTime() + 30 * 60_000;
    await sweepSessions(new Date(newEnd + 9 * 60_000), only);
    expect(await db.roomSession.findUnique({ where: { bookingId: s.booking.id } })).toBeNull();
    await sweepSessions(new Date(newEnd + 10 * 60_000), only);
    expect((await db.roomSession.findUniqueOrThrow({ where: { bookingId: s.booking.id } })).closedAt).not.toBeNull();
    await sweepSessions(new Date(newEnd + 10 * 60_000 + SETTLE_DELAY_MS), only);
    expect(await db.roomSession.findUniqueOrThrow({ where: { bookingId: s.booking.id } })).toMatchObject({
      outcome: "nobody_joined",
      settledAt: expect.any(Date),
    });
  });
});

describe("the server action the booking page uses", () => {
  it("moves the booking for its creator and tells a stranger it does not exist", async () => {
    const { offering, slots, creator } = await bookableOffering();
    const { bookingId } = await confirmedHold(offering.id, slots[0]!);
    const stranger = new HttpClient();
    await stranger.signIn((await createUser()).email, TEST_PASSWORD, "198.51.100.241");
    const fields = { bookingId, startsAt: slots[3]!.toISOString() };
    const refused = await callServerAction(
      stranger,
      "lib/bookings/actions.ts",
      "rescheduleBookingAction",
      fields,
      "/dashboard",
    );
    expect(refused.text).toMatch(/No such booking/);
    const c = new HttpClient();
    await c.signIn(creator.user.email, TEST_PASSWORD, "198.51.100.242");
    const moved = await callServerAction(c, "lib/bookings/actions.ts", "rescheduleBookingAction", fields, "/dashboard");
    expect(moved.text).toMatch(/Moved\. Both of you get an email/);
    expect((await db.booking.findUniqueOrThrow({ where: { id: bookingId } })).startsAt).toEqual(slots[3]);
  });
});

describe("the booking page's view of changes", () => {
  it("offers the viewer the times to move to (not its own), tells the other side who moved it, and shows the typed cancellation reason", async () => {
    const { offering, slots, creator } = await bookableOffering();
    const late = slots.filter((s) => s.getTime() > Date.now() + 30 * HOUR);
    const { viewer, bookingId } = await confirmedHold(offering.id, late[0]!);
    const page = await getBookingPage(viewer, bookingId, undefined);
    expect(page.reschedule?.allowed).toBe(true);
    const offered = page.reschedule?.allowed ? page.reschedule.slots.map((s) => s.startsAt) : [];
    expect(offered).toContain(late[1]!.toISOString());
    expect(offered).not.toContain(late[0]!.toISOString());

    await rescheduleBooking(viewer, bookingId, { startsAt: late[1]!.toISOString() });
    const creatorView = await getBookingPage(creator.user, bookingId, undefined);
    expect(creatorView.moved).toEqual({ by: "Test User", fromStartsAt: late[0]!.toISOString() });
    expect((await getBookingPage(viewer, bookingId, undefined)).moved?.by).toBe("you");

    await cancelBooking(viewer, bookingId, { reason: "My flight was moved" });
    expect((await getBookingPage(creator.user, bookingId, undefined)).cancellation).toEqual({
      by: "Test User",
      reason: "My flight was moved",
    });
    const mail = (
      await mailsOf((await db.booking.findUniqueOrThrow({ where: { id: bookingId } })).traceId, "Cancelled")
    ).find((m) => m.toAddress === creator.user.email)!;
    expect(mail.textBody).toContain("Their reason: “My flight was moved”");
    await flushEffects();
  });

  it("says 'You're booked' after checkout with the room's opening and the free-change deadline", async () => {
    const { offering, slots } = await bookableOffering();
    const late = slots.filter((s) => s.getTime() > Date.now() + 30 * HOUR);
    const { viewer, bookingId } = await confirmedHold(offering.id, late[0]!);
    const page = await getBookingPage(viewer, bookingId, "success");
    expect(page.booked?.startsAt).toBe(late[0]!.toISOString());
    const [room, mail, policy] = page.booked!.next;
    expect(room).toMatchObject({ at: new Date(late[0]!.getTime() - 10 * 60_000).toISOString() });
    expect(room!.text).toMatch(/^The room opens 10 minutes before the start/);
    expect(mail!.text).toContain(viewer.email);
    expect(policy).toMatchObject({ at: new Date(late[0]!.getTime() - 24 * HOUR).toISOString() });
    // Not without ?checkout=success, and not for the creator.
    expect((await getBookingPage(viewer, bookingId, undefined)).booked).toBeNull();
  });
});
