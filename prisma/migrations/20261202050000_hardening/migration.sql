-- Hardening: Stripe's refunded figure is kept as reported, beside the capped one the ledger uses.

-- AlterTable
ALTER TABLE "payments" ADD COLUMN     "stripeRefundedCents" INTEGER;
