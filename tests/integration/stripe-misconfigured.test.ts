import { Writable } from "node:stream";
import { afterAll, describe, expect, it, vi } from "vitest";

// This file's app modules run without STRIPE_WEBHOOK_SECRET, as a server deployed without it would.
vi.hoisted(() => {
  process.env.SAVED_STRIPE_WEBHOOK_SECRET = process.env.STRIPE_WEBHOOK_SECRET;
  delete process.env.STRIPE_WEBHOOK_SECRET;
});
afterAll(() => {
  process.env.STRIPE_WEBHOOK_SECRET = process.env.SAVED_STRIPE_WEBHOOK_SECRET;
});

const { createLogger, logger } = await import("@/lib/logger");
const { POST } = await import("@/app/api/stripe/webhook/route");
const { signedEvent } = await import("../helpers/bookings");

describe("a server without its Stripe webhook secret", () => {
  it("answers 500 (its own fault, so Stripe retries once it is fixed) and logs an error naming the variable", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = createLogger(
      new Writable({
        write(chunk, _enc, done) {
          lines.push(JSON.parse(String(chunk)));
          done();
        },
      }),
      "info",
    );
    vi.spyOn(logger, "child").mockReturnValue(sink as unknown as ReturnType<typeof logger.child>);
    const ev = signedEvent(
      "checkout.session.completed",
      { id: "cs_x" },
      { secret: "whsec_test_booth_webhook_secret_0123456789" },
    );
    const res = await POST(
      new Request("http://booth.test/api/stripe/webhook", {
        method: "POST",
        body: ev.payload,
        headers: { "content-type": "application/json", "stripe-signature": ev.signature },
      }),
    );
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: "Something went wrong on our side. Try again in a moment." });
    const error = lines.find((l) => l.level === 50);
    expect(JSON.stringify(error)).toMatch(/STRIPE_WEBHOOK_SECRET is not set/);
  });
});
