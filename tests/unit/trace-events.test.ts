import { describe, expect, it } from "vitest";
import { parseTracePayload, type TracePayloadInput, tracePayloads, traceEventTypes } from "@/lib/trace/events";

// appendTrace's signature, without loading its module (it opens the database): the type checker (next build
// type-checks the tests too) holds these lines to the schemas.
declare const appendTrace: typeof import("@/lib/trace/service")["appendTrace"];

describe("trace event types and their payload schemas", () => {
  it("every type has a schema, and a stored payload is read back typed or marked with what is wrong", () => {
    expect(traceEventTypes.length).toBeGreaterThan(40);
    expect(
      parseTracePayload("refund.issued", {
        refundId: "r",
        stripeRefundId: "re",
        amountCents: 100,
        currency: "EUR",
        reason: "x",
      }),
    ).toMatchObject({ ok: true });
    expect(parseTracePayload("refund.issued", { refundId: "r", amountCents: "100" })).toEqual({
      ok: false,
      type: "refund.issued",
      payload: { refundId: "r", amountCents: "100" },
      problem: expect.stringMatching(/^stripeRefundId: /),
    });
    expect(parseTracePayload("no.such", {})).toMatchObject({ ok: false, problem: "unknown event type no.such" });
    // Extra fields older writers added are kept (loose objects), the named ones are checked.
    expect(parseTracePayload("booking.expired", { bookingId: "b", reason: "x", legacy: 1 })).toMatchObject({
      ok: true,
      payload: { legacy: 1 },
    });
  });

  it("client events are the diagnostics contract without type and time, plus the reporter's role", () => {
    const ok = { role: "viewer", localCandidateType: "relay", protocol: "udp", relayProtocol: "tls", seq: 2 };
    expect(tracePayloads["client.ice_selected"].safeParse(ok).success).toBe(true);
    expect(tracePayloads["client.ice_selected"].safeParse({ ...ok, localCandidateType: "satellite" }).success).toBe(
      false,
    );
    expect(tracePayloads["client.first_media"].safeParse({ role: "creator", msFromJoin: 812 }).success).toBe(true);
    expect(tracePayloads["client.first_media"].safeParse({ msFromJoin: 812 }).success).toBe(false);
  });

  it("writing an unknown type or a wrong payload fails type-checking", () => {
    const good: TracePayloadInput<"booking.expired"> = { bookingId: "b", reason: "hold_lapsed" };
    // @ts-expect-error reason is required
    const missing: TracePayloadInput<"booking.expired"> = { bookingId: "b" };
    // @ts-expect-error late is a boolean
    const wrongType: TracePayloadInput<"booking.confirmed"> = { bookingId: "b", late: "yes" };
    const write = () => {
      // @ts-expect-error no such event type
      void appendTrace({ traceId: "t", type: "booking.teleported", source: "app", payload: {} });
      // @ts-expect-error the payload of refund.issued needs stripeRefundId, amountCents, currency and reason
      void appendTrace({ traceId: "t", type: "refund.issued", source: "app", payload: { refundId: "r" } });
      void appendTrace({ traceId: "t", type: "booking.expired", source: "app", payload: good });
    };
    expect(typeof write).toBe("function"); // never called: it exists for the type checker
    expect(tracePayloads["booking.expired"].safeParse(missing).success).toBe(false);
    expect(tracePayloads["booking.confirmed"].safeParse(wrongType).success).toBe(false);
  });
});
