import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { changeTimeZone } from "@/lib/auth/account";
import { registerUser } from "@/lib/auth/service";
import { enqueueBookingEmails } from "@/lib/bookings/emails";
import { getBookingCalendar } from "@/lib/bookings/queries";
import { sweepBookingReminders } from "@/lib/bookings/reminders";
import { db } from "@/lib/db";
import { enqueueTicketEmails } from "@/lib/shows/emails";
import { sweepShowReminders } from "@/lib/shows/reminders";
import { TEST_PASSWORD, createUser, uniqueEmail } from "../helpers/factories";
import { HttpClient } from "../helpers/http";
import { paidSession } from "../helpers/sessions";
import { scheduledShow } from "../helpers/shows";

const DAY = 86_400_000;

const zoneOf = async (id: string) => (await db.user.findUniqueOrThrow({ where: { id } })).timeZone;

describe("a personal time zone", () => {
  it("sign-up keeps the browser's zone (UTC when it is missing or unknown)", async () => {
    const base = { name: "Zoe Zone", password: "a long enough password", acceptTerms: "on" };
    const ip = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    const tokyo = await registerUser({ ...base, email: uniqueEmail("tz"), timeZone: "Asia/Tokyo" }, ip, "default");
    const bogus = await registerUser(
      { ...base, email: uniqueEmail("tz"), timeZone: "Mars/Olympus_Mons" },
      ip,
      "default",
    );
    const none = await registerUser({ ...base, email: uniqueEmail("tz") }, ip, "default");
    expect(await zoneOf(tokyo.userId!)).toBe("Asia/Tokyo");
    expect(await zoneOf(bogus.userId!)).toBe("UTC");
    expect(await zoneOf(none.userId!)).toBe("UTC");
  });

  it("account settings accept an IANA zone (canonical spelling) and refuse anything else by field", async () => {
    const user = await createUser();
    // Refused by the schema (the action shows it beside the field; lib/action.ts maps it to a field error).
    const err = await changeTimeZone(user, { timeZone: "Mars/Olympus_Mons" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZodError);
    expect((err as ZodError).issues[0]).toMatchObject({
      path: ["timeZone"],
      message: expect.stringMatching(/Choose a time zone/),
    });
    expect(await changeTimeZone(user, { timeZone: "" }).catch((e: unknown) => e)).toBeInstanceOf(ZodError);
    expect(await zoneOf(user.id)).toBeNull();
    await changeTimeZone(user, { timeZone: "america/new_york" });
    expect(await zoneOf(user.id)).toBe("America/New_York");
  });

  it("booking emails, reminders and the calendar file use the viewer's own zone over the booking's", async () => {
    const s = await paidSession({ startsInMinutes: 20 * 60 });
    await db.booking.update({ where: { id: s.booking.id }, data: { createdAt: new Date(Date.now() - 2 * DAY) } });
    await db.user.update({ where: { id: s.viewer.id }, data: { timeZone: "America/New_York" } });
    await db.$transaction((tx) => enqueueBookingEmails(tx, s.booking.id, { kind: "confirmed" }));
    await sweepBookingReminders();
    const mails = await db.emailMessage.findMany({ where: { toAddress: s.viewer.email }, select: { textBody: true } });
    expect(mails.length).toBeGreaterThanOrEqual(2);
    for (const m of mails) {
      expect(m.textBody).toContain("(America/New_York)");
      expect(m.textBody).not.toContain("Asia/Tokyo");
    }
    // The creator's side stays in their profile's zone.
    const creatorMails = await db.emailMessage.findMany({
      where: { toAddress: s.creator.user.email },
      select: { textBody: true },
    });
    expect(creatorMails.length).toBeGreaterThan(0);
    expect(creatorMails.every((m) => m.textBody.includes("(Europe/Lisbon)"))).toBe(true);
    const viewer = await db.user.findUniqueOrThrow({ where: { id: s.viewer.id } });
    const ics = await getBookingCalendar({ ...viewer, twoFactor: false }, s.booking.id);
    expect(JSON.stringify(ics)).toContain("America/New_York");
  });

  it("ticket emails and show reminders use the holder's zone (UTC when none is chosen)", async () => {
    const { event } = await scheduledShow({ startsInMinutes: 10 });
    await db.groupEvent.update({ where: { id: event.id }, data: { createdAt: new Date(Date.now() - 2 * DAY) } });
    const sydney = await createUser({ name: "Sydney Holder" });
    await db.user.update({ where: { id: sydney.id }, data: { timeZone: "Australia/Sydney" } });
    const plain = await createUser({ name: "Plain Holder" });
    const tickets: { id: string }[] = [];
    for (const u of [sydney, plain])
      tickets.push(
        await db.ticket.create({
          data: { eventId: event.id, viewerId: u.id, status: "paid", createdAt: new Date(Date.now() - DAY) },
        }),
      );
    await db.$transaction((tx) => enqueueTicketEmails(tx, tickets[0]!.id, { kind: "confirmed" }));
    await sweepShowReminders();
    const toSydney = await db.emailMessage.findMany({ where: { toAddress: sydney.email }, select: { textBody: true } });
    expect(toSydney.length).toBe(2);
    for (const m of toSydney) expect(m.textBody).toMatch(/AEDT|AEST|GMT\+1[01]/);
    const reminder = await db.emailMessage.findFirstOrThrow({
      where: { toAddress: sydney.email, dedupeKey: { startsWith: "reminder:" } },
      select: { textBody: true },
    });
    expect(reminder.textBody).toContain("(Australia/Sydney)");
    const plainReminder = await db.emailMessage.findFirstOrThrow({
      where: { toAddress: plain.email, dedupeKey: { startsWith: "reminder:" } },
      select: { textBody: true },
    });
    expect(plainReminder.textBody).toContain("(UTC)");
  });

  it("pages render times in the chosen zone on the server; the account page names it", async () => {
    const s = await paidSession({ startsInMinutes: 3 * 60 });
    const client = new HttpClient();
    await client.signIn(s.viewer.email, TEST_PASSWORD, `192.0.2.${Math.floor(Math.random() * 250) + 1}`);
    expect(client.hasSession()).toBe(true);
    // Nothing chosen yet: the server renders UTC and the browser re-renders in its own zone.
    expect(await (await client.fetch(`/bookings/${s.booking.id}`)).text()).toContain('data-zone="UTC"');
    await db.user.update({ where: { id: s.viewer.id }, data: { timeZone: "Asia/Kolkata" } });
    const page = await (await client.fetch(`/bookings/${s.booking.id}`)).text();
    expect(page).toContain('data-zone="Asia/Kolkata"');
    expect(page).toMatch(/GMT\+5:30|IST/);
    const account = await (await client.fetch("/account")).text();
    expect(account).toMatch(/We show your bookings, shows and reminder emails in.*Asia\/Kolkata/);
  });
});
