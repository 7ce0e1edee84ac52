import net from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectFault } from "../helpers/faults";

// Production mail path: nodemailer to an SMTP server. smtp-server (the SMTP server library from
// nodemailer's authors) runs here on a free port and plays the operator's mail server.
const port = await new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => {
    const p = (s.address() as net.AddressInfo).port;
    s.close(() => resolve(p));
  });
});
process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;

const { db } = await import("@/lib/db");
const { deliverPendingEmails, enqueueEmails, outboxEnabled } = await import("@/lib/mail/service");
const { bookingIcs } = await import("@/lib/mail/ics");

const received: { to: string[]; raw: string }[] = [];
let refuseNext = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  onData(stream, session, callback) {
    let raw = "";
    stream.on("data", (c: Buffer) => (raw += c.toString("utf8")));
    stream.on("end", () => {
      // Refuses alice's first delivery only (mail queued by other test files may pass through here too).
      if (refuseNext > 0 && session.envelope.rcptTo.some((r) => r.address === "alice@example.test")) {
        refuseNext--;
        const err = Object.assign(new Error("mailbox busy, try later"), { responseCode: 451 });
        return callback(err);
      }
      received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
      callback();
    });
  },
});

beforeAll(() => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)));
afterAll(async () => {
  delete process.env.SMTP_URL; // process.env outlives this file's modules
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const email = (tag: string) => ({
  brandId: "default",
  dedupeKey: `smtp-test:${tag}:${Date.now()}`,
  to: `${tag}@example.test`,
  subject: `Booked: ${tag}`,
  text: "Your session is confirmed.",
  ics: {
    filename: "session.ics",
    content: bookingIcs({
      uid: `u-${tag}`,
      title: "Session",
      description: "d",
      startsAt: new Date("2027-05-01T10:00:00Z"),
      endsAt: new Date("2027-05-01T11:00:00Z"),
      timeZone: "Europe/Lisbon",
      url: "https://booth.test/b",
      organizer: { name: "Booth", email: "no-reply@booth.test" },
      status: "confirmed",
      sequence: 0,
      productId: "Booth",
    }),
  },
});

describe("mail through SMTP (SMTP_URL set)", () => {
  it("has no outbox page when mail is really sent", () => {
    expect(outboxEnabled()).toBe(false);
  });

  it("sends queued mail with its calendar attachment, once, and retries after a temporary refusal", async () => {
    const a = email("alice");
    // Only this test's mail: other test files (running alongside) own theirs.
    const mine = { dedupeKeys: [a.dedupeKey] };
    expect(await enqueueEmails(db, [a, a])).toBe(1); // the same key twice is one email
    refuseNext = 1;
    const refused = await expectFault("the SMTP server refuses with 451 (try later)", () =>
      deliverPendingEmails(500, mine),
    );
    expect(refused.failed).toBeGreaterThanOrEqual(1);
    const row = await db.emailMessage.findUniqueOrThrow({ where: { dedupeKey: a.dedupeKey } });
    expect([row.status, row.attempts]).toEqual(["pending", 1]);
    expect(row.lastError).toMatch(/mailbox busy/);
    // It backs off (a minute after the first failure) instead of hammering the server.
    expect(row.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(50_000);
    await deliverPendingEmails(500, mine);
    expect((await db.emailMessage.findUniqueOrThrow({ where: { dedupeKey: a.dedupeKey } })).status).toBe("pending");

    await db.emailMessage.update({ where: { id: row.id }, data: { nextAttemptAt: new Date(Date.now() - 1000) } }); // the minute has passed
    await deliverPendingEmails(500, mine);
    const sent = await db.emailMessage.findUniqueOrThrow({ where: { dedupeKey: a.dedupeKey } });
    expect(sent.status).toBe("sent");
    const delivered = received.filter((r) => r.to.includes("alice@example.test"));
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.raw).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=PUBLISH/);
    expect(delivered[0]!.raw).toMatch(/Subject: Booked: alice/);
    // Plain text and the same words in HTML, side by side.
    expect(delivered[0]!.raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(delivered[0]!.raw).toMatch(/Content-Type: text\/html; charset=utf-8/);

    await deliverPendingEmails(25, mine); // nothing left to send
    expect(received.filter((r) => r.to.includes("alice@example.test"))).toHaveLength(1);
  });
});
