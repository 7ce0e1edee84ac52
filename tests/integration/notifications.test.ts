import { describe, expect, it } from "vitest";
import { sweepBookingReminders } from "@/lib/bookings/reminders";
import { applyAsCreator, decideApplication } from "@/lib/creators/applications";
import { db } from "@/lib/db";
import { sweepShowReminders } from "@/lib/shows/reminders";
import { createUser } from "../helpers/factories";
import { paidSession } from "../helpers/sessions";
import { scheduledShow } from "../helpers/shows";

// Mail that is not about a purchase: reminders before a session or a show, and the answer to a creator
// application. All of it goes through the mail outbox (email_messages), once.

const DAY = 86_400_000;

async function remindersTo(email: string) {
  return db.emailMessage.findMany({
    where: { toAddress: email, dedupeKey: { startsWith: "reminder:" } },
    select: { dedupeKey: true, subject: true, textBody: true },
  });
}

describe("reminders", () => {
  it("a session tomorrow: one reminder to each side with the join link, however often the sweep runs", async () => {
    const s = await paidSession({ startsInMinutes: 20 * 60 });
    await db.booking.update({ where: { id: s.booking.id }, data: { createdAt: new Date(Date.now() - 2 * DAY) } });
    await sweepBookingReminders();
    await sweepBookingReminders();
    const viewer = await remindersTo(s.viewer.email);
    const creator = await remindersTo(s.creator.user.email);
    expect(viewer).toHaveLength(1);
    expect(creator).toHaveLength(1);
    expect(viewer[0]!.dedupeKey).toContain(":24h:");
    expect(viewer[0]!.subject).toMatch(/^Reminder: Live review with Test Creator tomorrow/);
    expect(viewer[0]!.textBody).toContain(`/sessions/${s.booking.id}`);
    expect(viewer[0]!.textBody).toContain("(Asia/Tokyo)");
    expect(creator[0]!.textBody).toContain("(Europe/Lisbon)");
    expect(viewer[0]!.textBody).toMatch(/You get this email because you have a session booked/);
  });

  it("a session in 10 minutes gets only the 15-minute reminder; one booked an hour ago for tomorrow gets none yet", async () => {
    const soon = await paidSession({ startsInMinutes: 10 });
    await db.booking.update({ where: { id: soon.booking.id }, data: { createdAt: new Date(Date.now() - 2 * DAY) } });
    const fresh = await paidSession({ startsInMinutes: 20 * 60 });
    await db.booking.update({ where: { id: fresh.booking.id }, data: { createdAt: new Date(Date.now() - 3_600_000) } });
    const cancelled = await paidSession({ startsInMinutes: 10, status: "cancelled" });
    await sweepBookingReminders();
    const keys = (await remindersTo(soon.viewer.email)).map((m) => m.dedupeKey);
    expect(keys).toEqual([expect.stringContaining(":15m:")]);
    expect(await remindersTo(fresh.viewer.email)).toEqual([]);
    expect(await remindersTo(cancelled.viewer.email)).toEqual([]);
  });

  it("a show in 10 minutes: its paid ticket holders and its creator get the room's link", async () => {
    const { creator, event } = await scheduledShow({ startsInMinutes: 10 });
    await db.groupEvent.update({ where: { id: event.id }, data: { createdAt: new Date(Date.now() - 2 * DAY) } });
    const holder = await createUser({ name: "Ticket Holder" });
    const unpaid = await createUser({ name: "Not Paid" });
    await db.ticket.create({
      data: { eventId: event.id, viewerId: holder.id, status: "paid", createdAt: new Date(Date.now() - DAY) },
    });
    await db.ticket.create({ data: { eventId: event.id, viewerId: unpaid.id, status: "pending_payment" } });
    await sweepShowReminders();
    await sweepShowReminders();
    const held = await remindersTo(holder.email);
    expect(held).toHaveLength(1);
    expect(held[0]!.subject).toMatch(/^Reminder: Live drawing class in 15 minutes/);
    expect(held[0]!.textBody).toContain(`/shows/${event.id}/room`);
    expect(await remindersTo(creator.user.email)).toHaveLength(1);
    expect(await remindersTo(unpaid.email)).toEqual([]);
  });
});

describe("creator applications", () => {
  it("the applicant is mailed the decision with the admin's note", async () => {
    const admin = await createUser({ role: "admin" });
    const declined = await createUser({ name: "Dee Applicant" });
    const approved = await createUser({ name: "Ann Applicant" });
    const a = await applyAsCreator(declined, {
      displayName: "Dee Draws",
      pitch: "I teach drawing to beginners online.",
    });
    const b = await applyAsCreator(approved, {
      displayName: "Ann Sings",
      pitch: "Singing lessons for every level, live.",
    });
    await decideApplication(admin, { applicationId: a.id, decision: "decline", note: "Add a sample of your work." });
    await decideApplication(admin, { applicationId: b.id, decision: "approve" });
    const no = await db.emailMessage.findFirstOrThrow({ where: { toAddress: declined.email } });
    expect(no.subject).toMatch(/^About your application to host on /);
    expect(no.textBody).toContain("was declined");
    expect(no.textBody).toContain("“Add a sample of your work.”");
    const yes = await db.emailMessage.findFirstOrThrow({ where: { toAddress: approved.email } });
    expect(yes.subject).toMatch(/^You're approved to host on /);
    expect(yes.textBody).toContain("/studio");
  });
});
