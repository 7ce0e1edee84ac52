import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { transitionBookingTraced } from "@/lib/bookings/transition";
import { DuplicateEvent, type EventClaim } from "@/lib/ops/processed-events";
import { lockPurchaseThenPayment, transitionPaymentTraced } from "@/lib/payments/ledger";
import { bookableOffering, hold } from "../helpers/bookings";

// lockPurchaseThenPayment takes both locks and reads the payment in one statement. These tests pin what that
// statement must keep, on the real PostgreSQL: the purchase's row is locked before the payment's (the lock
// order every money path follows, so two of them never deadlock), and the payment is read as it is under
// the locks (a change committed while it waited is seen).

/** Resolves once a backend is waiting for a row lock in a statement that reads payments. */
async function waitingOnLock() {
  for (let i = 0; i < 400; i++) {
    const rows = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE wait_event_type = 'Lock' AND query LIKE '%FROM payments%' AND pid <> pg_backend_pid()`;
    if ((rows[0]?.n ?? 0) > 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("the locking statement never waited for the purchase's lock");
}

describe("lockPurchaseThenPayment", () => {
  it("waits for the purchase's lock without holding the payment's, then reads the payment as committed", async () => {
    const { offering, slots } = await bookableOffering();
    const { bookingId, payment } = await hold(offering.id, slots[0]!);

    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    let locked!: () => void;
    const holding = new Promise<void>((r) => {
      locked = r;
    });
    // Another money path holds the booking, and changes the payment before it lets go.
    const other = db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM bookings WHERE id = ${bookingId} FOR UPDATE`;
        locked();
        await released;
        await tx.$executeRaw`UPDATE payments SET "reviewReason" = 'changed while the purchase was locked' WHERE id = ${payment.id}`;
      },
      { timeout: 20_000 },
    );
    await holding;

    const locking = db.$transaction((tx) => lockPurchaseThenPayment(tx, { id: payment.id }), { timeout: 20_000 });
    await waitingOnLock();
    // While it waits for the purchase, the payment's row is free: it was not locked first.
    const free = await db.$transaction(
      (tx) => tx.$queryRaw<{ id: string }[]>`SELECT id FROM payments WHERE id = ${payment.id} FOR UPDATE NOWAIT`,
    );
    expect(free).toHaveLength(1);

    release();
    await other;
    const got = await locking;
    expect(got).toMatchObject({
      id: payment.id,
      status: "pending",
      kind: "booking",
      bookingId,
      amountCents: payment.amountCents,
      currency: payment.currency,
      reviewReason: "changed while the purchase was locked",
      purchase: { kind: "booking", id: bookingId },
    });
    expect(got?.createdAt).toBeInstanceOf(Date);
  });

  it("finds the payment by its id and returns null for one Booth does not know", async () => {
    const { offering, slots } = await bookableOffering();
    const { payment } = await hold(offering.id, slots[0]!);
    const byId = await db.$transaction((tx) => lockPurchaseThenPayment(tx, { id: payment.id }));
    expect(byId?.id).toBe(payment.id);
    const unknown = await db.$transaction((tx) => lockPurchaseThenPayment(tx, { checkoutSessionId: "cs_nobody" }));
    expect(unknown).toBeNull();
  });
});

describe("lockPurchaseThenPayment with an event claim (a webhook's first statement)", () => {
  const claimOf = (eventId: string): EventClaim => ({
    source: "stripe",
    eventId,
    type: "checkout.session.completed",
    made: false,
  });

  it("records the event once: a concurrent delivery waits for the first; a duplicate if it committed, applied if it rolled back", async () => {
    const { offering, slots } = await bookableOffering();
    const { payment } = await hold(offering.id, slots[1]!);
    for (const firstCommits of [true, false]) {
      const eventId = `evt_claim_${payment.id}_${firstCommits}`;
      let release!: () => void;
      const released = new Promise<void>((r) => {
        release = r;
      });
      let claimed!: () => void;
      const holding = new Promise<void>((r) => {
        claimed = r;
      });
      const first = claimOf(eventId);
      const firstTx = db
        .$transaction(
          async (tx) => {
            expect((await lockPurchaseThenPayment(tx, { id: payment.id }, first))?.id).toBe(payment.id);
            claimed();
            await released;
            if (!firstCommits) throw new Error("the first delivery's handler failed");
          },
          { timeout: 20_000 },
        )
        .catch((err: unknown) => err);
      await holding;
      expect(first.made).toBe(true);

      const second = claimOf(eventId);
      const secondTx = db
        .$transaction((tx) => lockPurchaseThenPayment(tx, { id: payment.id }, second), { timeout: 20_000 })
        .catch((err: unknown) => err);
      await waitingOnLock(); // on the first's uncommitted record of the event
      release();
      await firstTx;
      const got = await secondTx;
      if (firstCommits) {
        expect(got).toBeInstanceOf(DuplicateEvent);
        expect(second.made).toBe(false);
      } else {
        expect((got as { id?: string }).id).toBe(payment.id);
        expect(second.made).toBe(true);
      }
      expect(await db.processedWebhookEvent.count({ where: { eventId } })).toBe(1);
    }
  });

  it("records an event about a payment Booth does not know, and finds nothing", async () => {
    const claim = claimOf(`evt_claim_nobody_${Date.now()}`);
    expect(
      await db.$transaction((tx) => lockPurchaseThenPayment(tx, { checkoutSessionId: "cs_nobody" }, claim)),
    ).toBeNull();
    expect(claim.made).toBe(true);
    expect(await db.processedWebhookEvent.count({ where: { eventId: claim.eventId } })).toBe(1);
  });
});

describe("a status change and its trace event in one statement", () => {
  it("writes neither when the row is no longer in the state read under the lock, both when it is", async () => {
    const { offering, slots } = await bookableOffering();
    const { bookingId, payment } = await hold(offering.id, slots[0]!);
    const paidAt = new Date(Date.now() - 60_000);
    const succeeded = {
      traceId: payment.traceId,
      type: "payment.succeeded" as const,
      source: "stripe" as const,
      occurredAt: paidAt,
      payload: {
        checkoutSessionId: "cs_t",
        paymentIntentId: "pi_t",
        eventId: "evt_t",
        amountCents: 4500,
        currency: "eur",
      },
    };
    const confirmed = {
      traceId: payment.traceId,
      type: "booking.confirmed" as const,
      source: "app" as const,
      payload: { bookingId, late: false },
    };
    const count = (tx: typeof db | Parameters<Parameters<typeof db.$transaction>[0]>[0], type: string) =>
      tx.traceEvent.count({ where: { traceId: payment.traceId, type } });

    await db.$transaction(async (tx) => {
      // Read as expired, but it is pending: the guard refuses and no event is written.
      await expect(
        transitionPaymentTraced(tx, { id: payment.id, status: "expired" }, "paid", { paidAt }, succeeded),
      ).rejects.toThrow(/changed under its lock/);
      await expect(
        transitionBookingTraced(tx, { id: bookingId, status: "expired" }, "confirmed", {}, confirmed),
      ).rejects.toThrow(/changed under its lock/);
      expect(await count(tx, "payment.succeeded")).toBe(0);
      expect(await count(tx, "booking.confirmed")).toBe(0);
      // A transition the state machine forbids is refused before any SQL.
      await expect(
        transitionBookingTraced(tx, { id: bookingId, status: "pending_payment" }, "completed", {}, confirmed),
      ).rejects.toThrow();

      await transitionPaymentTraced(
        tx,
        { id: payment.id, status: "pending" },
        "paid",
        { paidAt, stripePaymentIntentId: "pi_t" },
        succeeded,
      );
      await transitionBookingTraced(
        tx,
        { id: bookingId, status: "pending_payment" },
        "confirmed",
        { holdsSlot: true, holdExpiresAt: null },
        confirmed,
      );
    });

    const paid = await db.payment.findUniqueOrThrow({ where: { id: payment.id } });
    expect(paid).toMatchObject({ status: "paid", stripePaymentIntentId: "pi_t", paidAt });
    const booking = await db.booking.findUniqueOrThrow({ where: { id: bookingId } });
    expect(booking).toMatchObject({ status: "confirmed", holdsSlot: true, holdExpiresAt: null });
    const trace = await db.traceEvent.findMany({
      where: { traceId: payment.traceId, type: { in: ["payment.succeeded", "booking.confirmed"] } },
      orderBy: { id: "asc" },
    });
    expect(trace.map((t) => [t.type, t.source])).toEqual([
      ["payment.succeeded", "stripe"],
      ["booking.confirmed", "app"],
    ]);
    expect(trace[0]!.occurredAt).toEqual(paidAt);
    expect(trace[0]!.payload).toEqual(succeeded.payload);
    // Stored in UTC like every other row: received after it occurred, not hours off by a server time zone.
    expect(trace[0]!.receivedAt.getTime()).toBeGreaterThan(paidAt.getTime());
    expect(Math.abs(trace[1]!.receivedAt.getTime() - Date.now())).toBeLessThan(3_600_000);
  });
});
