import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { TipStatus } from "@/lib/generated/prisma/enums";
import { enqueueEffect } from "@/lib/ops/outbox";
import type { PurchaseKind, Tx } from "@/lib/payments/purchase";
import { formatMoney } from "@/lib/money";
import { appendTrace } from "@/lib/trace/service";
import { broadcast } from "@/lib/sessions/room-effects";
import { assertTipTransition } from "./state";

/**
 * A tip as a purchase: nothing is held; paying confirms it and announces it in its room (only then: the
 * signed webhook decides, not the checkout's redirect); a checkout that ends without money fails it; a
 * refund of all of it marks it refunded. A dispute follows the payment (a tip has no state of its own for it).
 */
export async function transitionTip(
  tx: Tx,
  tip: { id: string; status: TipStatus },
  to: TipStatus,
  data: Omit<Prisma.TipUncheckedUpdateManyInput, "status"> = {},
) {
  assertTipTransition(tip.status, to);
  const { count } = await tx.tip.updateMany({
    where: { id: tip.id, status: tip.status },
    data: { ...data, status: to },
  });
  if (count !== 1) throw new Error(`tip ${tip.id} changed under its lock (expected ${tip.status})`);
}

const lock = async (tx: Tx, id: string) => {
  await tx.$queryRaw`SELECT id FROM tips WHERE id = ${id} FOR UPDATE`;
  return tx.tip.findUniqueOrThrow({
    where: { id },
    include: { fromUser: { select: { name: true } }, roomSession: { select: { roomName: true, closedAt: true } } },
  });
};

export const tipPurchase: PurchaseKind = {
  kind: "tip",

  async paid(tx, tipId, payment, at) {
    const tip = await lock(tx, tipId);
    if (tip.status !== "pending_payment" && tip.status !== "failed") {
      return {
        confirmed: false,
        refund: {
          reason: "duplicate_payment",
          explanation: "The tip was already paid through another payment, so this second payment is refunded in full.",
        },
      };
    }
    await transitionTip(tx, tip, "paid");
    await appendTrace(
      {
        traceId: payment.traceId,
        type: "tip.confirmed",
        source: "app",
        occurredAt: at,
        payload: { tipId, amountCents: tip.amountCents, currency: tip.currency },
      },
      tx,
    );
    // The room sees it now, with its message, if the room is still open.
    if (tip.roomSession && !tip.roomSession.closedAt) {
      await enqueueEffect(
        tx,
        broadcast,
        {
          roomName: tip.roomSession.roomName,
          message: {
            type: "tip",
            tipId,
            from: tip.fromUser.name,
            amountCents: tip.amountCents,
            currency: tip.currency,
            message: tip.message,
          },
        },
        { key: `tip-announce:${tipId}`, traceId: tip.traceId },
      );
    }
    return { confirmed: true };
  },

  async checkoutEnded(tx, tipId, traceId, at, why) {
    const tip = await lock(tx, tipId);
    if (tip.status !== "pending_payment") return;
    await transitionTip(tx, tip, "failed");
    await appendTrace(
      {
        traceId,
        type: "tip.released",
        source: why === "checkout_failed" ? "app" : "stripe",
        occurredAt: at,
        payload: { tipId, reason: why, status: "failed" },
      },
      tx,
    );
  },

  async refunded(tx, tipId, refund) {
    const tip = await lock(tx, tipId);
    if (refund.whole && tip.status === "paid") {
      await transitionTip(tx, tip, "refunded");
      await appendTrace(
        {
          traceId: tip.traceId,
          type: "tip.released",
          source: "app",
          payload: { tipId, reason: "refunded", status: "refunded" },
        },
        tx,
      );
    }
  },

  async disputeOpened(tx, tipId) {
    return (await lock(tx, tipId)).status;
  },

  async disputeClosed() {
    // The payment carries the dispute; the tip keeps its state.
  },

  async summary(tx, tipId) {
    const t = await tx.tip.findUniqueOrThrow({
      where: { id: tipId },
      select: { amountCents: true, currency: true, message: true, creator: { select: { displayName: true } } },
    });
    return {
      title: `Tip for ${t.creator.displayName}`,
      lines: [
        { label: "Tip", text: `${formatMoney(t.amountCents, t.currency)} for ${t.creator.displayName}` },
        ...(t.message ? [{ label: "Message", text: t.message }] : []),
      ],
      returnPath: `/tips/${tipId}`,
    };
  },
};
