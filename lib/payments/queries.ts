import "server-only";
import { assertRole, inActorsBrand, type Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";
import { EARNING } from "./payment-state";
import { earnings } from "./refund-math";

/**
 * Admin: payments a person must look at (mismatches, disputes, failed refunds) and the latest paid ones; a
 * brand's admin sees their brand's payments only (by the payer's account).
 */
export async function getAdminMoneyOverview(actor: Actor) {
  assertRole(actor, ["admin"]);
  const payer = inActorsBrand(actor);
  const select = {
    id: true,
    kind: true,
    status: true,
    amountCents: true,
    currency: true,
    refundedCents: true,
    reviewReason: true,
    createdAt: true,
    bookingId: true,
    ticketId: true,
    tipId: true,
    payer: { select: { email: true } },
  } as const;
  const [review, recent] = await Promise.all([
    db.payment.findMany({
      where: { payer, OR: [{ status: { in: ["needs_review", "disputed"] } }, { reviewReason: { not: null } }] },
      orderBy: { updatedAt: "desc" },
      take: 50,
      select,
    }),
    db.payment.findMany({
      where: { payer, status: { in: [...EARNING] } },
      orderBy: { paidAt: "desc" },
      take: 20,
      select,
    }),
  ]);
  return { review, recent };
}

/**
 * Earnings from the payments of the given purchases (each feature names its own: a creator's bookings,
 * tickets, tips), per currency: gross paid, refunds, the platform's fee on what was kept, and net. A
 * disputed payment is held out of earnings until the dispute is won (the bank may take it back).
 */
export async function earningsOf(purchases: Prisma.PaymentWhereInput[]) {
  const payments = await db.payment.findMany({
    where: { status: { in: [...EARNING, "disputed"] }, OR: purchases },
    select: { amountCents: true, capturedCents: true, refundedCents: true, status: true, currency: true },
  });
  const byCurrency = new Map<string, { grossCents: number; refundedCents: number; disputedCents: number }>();
  for (const p of payments) {
    const sums = byCurrency.get(p.currency) ?? { grossCents: 0, refundedCents: 0, disputedCents: 0 };
    const captured = p.capturedCents ?? p.amountCents;
    if (p.status === "disputed") sums.disputedCents += captured - Math.min(captured, p.refundedCents);
    else {
      sums.grossCents += captured;
      sums.refundedCents += Math.min(captured, p.refundedCents);
    }
    byCurrency.set(p.currency, sums);
  }
  return [...byCurrency.entries()].map(([currency, s]) => ({
    currency,
    disputedCents: s.disputedCents,
    ...earnings({ grossCents: s.grossCents, refundedCents: s.refundedCents, feePercent: env.PLATFORM_FEE_PERCENT }),
  }));
}
