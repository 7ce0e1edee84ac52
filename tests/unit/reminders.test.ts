import { describe, expect, it } from "vitest";
import { dueReminder } from "@/lib/mail/reminders";

const start = new Date("2026-12-10T18:00:00Z");
const at = (iso: string) => new Date(iso);
const longAgo = at("2026-12-01T00:00:00Z");

describe("reminders before a session or show", () => {
  it("nothing before 24 hours ahead; the 24-hour one from then; the 15-minute one from then; nothing after the start", () => {
    expect(dueReminder(at("2026-12-09T17:59:59Z"), start, longAgo)).toBeNull();
    expect(dueReminder(at("2026-12-09T18:00:00Z"), start, longAgo)?.name).toBe("24h");
    expect(dueReminder(at("2026-12-10T17:44:59Z"), start, longAgo)?.name).toBe("24h");
    expect(dueReminder(at("2026-12-10T17:45:00Z"), start, longAgo)?.name).toBe("15m");
    expect(dueReminder(at("2026-12-10T18:00:00Z"), start, longAgo)).toBeNull();
  });

  it("no reminder whose moment came before the purchase", () => {
    // Booked 2 hours ahead: no "tomorrow" email, but the 15-minute one.
    const booked = at("2026-12-10T16:00:00Z");
    expect(dueReminder(at("2026-12-10T16:00:30Z"), start, booked)).toBeNull();
    expect(dueReminder(at("2026-12-10T17:50:00Z"), start, booked)?.name).toBe("15m");
    // Booked 10 minutes ahead: none at all.
    expect(dueReminder(at("2026-12-10T17:51:00Z"), start, at("2026-12-10T17:50:00Z"))).toBeNull();
  });
});
