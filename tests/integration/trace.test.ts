import { describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { payTestCheckout } from "@/lib/payments/test-checkout";
import { appendTrace, readTrace, TracePayloadError } from "@/lib/trace/service";
import { bookableOffering, hold } from "../helpers/bookings";
import { createUser, TEST_PASSWORD } from "../helpers/factories";
import { HttpClient, baseUrl } from "../helpers/http";
import { paidSession } from "../helpers/sessions";

describe("the typed trace", () => {
  it("refuses a payload that does not match its type's schema, and stores nothing", async () => {
    const traceId = `t-${crypto.randomUUID()}`;
    // The cast stands for a writer the type checker cannot see (JSON from elsewhere): the schema still refuses it.
    const wrong = { bookingId: "b1", late: "yes" } as unknown as { bookingId: string; late: boolean };
    await expect(
      appendTrace({ traceId, type: "booking.confirmed", source: "app", payload: wrong }),
    ).rejects.toBeInstanceOf(TracePayloadError);
    await expect(
      db.$transaction(async (tx) => {
        await appendTrace(
          { traceId, type: "booking.expired", source: "app", payload: { bookingId: "b1", reason: "x" } },
          tx,
        );
        await appendTrace(
          { traceId, type: "booking.expired", source: "app", payload: { bookingId: "b1" } as never },
          tx,
        );
      }),
    ).rejects.toThrow(/booking.expired refused: reason/);
    expect(await db.traceEvent.count({ where: { traceId } })).toBe(0); // the good one rolled back with the bad one
    await appendTrace({ traceId, type: "booking.expired", source: "app", payload: { bookingId: "b1", reason: "x" } });
    const [read] = await readTrace(traceId);
    expect(read).toMatchObject({ ok: true, type: "booking.expired", payload: { bookingId: "b1", reason: "x" } });
  });

  it("an old row that fails its schema is shown as such on the support page, which still renders", async () => {
    const s = await paidSession({ startsInMinutes: -5, durationMinutes: 30 });
    // As a writer from before the typed trace would have left it: straight into the table.
    await db.traceEvent.create({
      data: {
        traceId: s.booking.traceId,
        type: "payment.succeeded",
        source: "stripe",
        payload: { amount: "lots" },
        occurredAt: new Date(),
      },
    });
    await db.traceEvent.create({
      data: {
        traceId: s.booking.traceId,
        type: "booking.teleported",
        source: "app",
        payload: {},
        occurredAt: new Date(),
      },
    });
    const rows = await readTrace(s.booking.traceId);
    expect(
      rows
        .filter((r) => !r.ok)
        .map((r) => r.type)
        .sort(),
    ).toEqual(["booking.teleported", "payment.succeeded"]);
    const admin = await createUser({ role: "admin" });
    const c = new HttpClient();
    await c.signIn(admin.email, TEST_PASSWORD, "198.51.100.230");
    const res = await c.fetch(`/admin/sessions/${s.booking.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Unreadable payment.succeeded event (checkoutSessionId:");
    expect(html).toContain("Unreadable booking.teleported event (unknown event type booking.teleported)");
  });
});

describe("the test checkout", () => {
  it("posts Stripe's signed event to /api/stripe/webhook over HTTP, where the app verifies and applies it", async () => {
    const { offering, slots } = await bookableOffering();
    const h = await hold(offering.id, slots[0]!);
    const sent = vi.spyOn(globalThis, "fetch");
    try {
      const back = await payTestCheckout(h.viewer.id, h.payment.stripeCheckoutSessionId!);
      expect(back).toBe(`/bookings/${h.bookingId}`);
      const call = sent.mock.calls.find(([url]) => String(url).endsWith("/api/stripe/webhook"));
      expect(call).toBeDefined();
      expect(String(call![0])).toBe(`${baseUrl()}/api/stripe/webhook`);
      const init = call![1] as RequestInit & { headers: Record<string, string> };
      expect(init.method).toBe("POST");
      expect(init.headers["stripe-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}/);
      expect(JSON.parse(String(init.body))).toMatchObject({ type: "checkout.session.completed" });
    } finally {
      sent.mockRestore();
    }
    // The app's endpoint recorded the event it processed, and the booking is confirmed.
    const processed = await db.processedWebhookEvent.findFirst({
      where: { source: "stripe", type: "checkout.session.completed", eventId: { startsWith: "evt_test_booth_" } },
      orderBy: { receivedAt: "desc" },
    });
    expect(processed).not.toBeNull();
    expect((await db.booking.findUniqueOrThrow({ where: { id: h.bookingId } })).status).toBe("confirmed");
  });
});
