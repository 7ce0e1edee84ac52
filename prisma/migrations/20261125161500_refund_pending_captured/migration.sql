-- AlterEnum
ALTER TYPE "RefundStatus" ADD VALUE 'pending' AFTER 'requested';

-- AlterTable
ALTER TABLE "payments" ADD COLUMN     "capturedCents" INTEGER;

-- A payment is never refunded more than Stripe captured (the expected price when they agree).
ALTER TABLE "payments" DROP CONSTRAINT "payments_refund_within_amount_guard";
ALTER TABLE "payments" ADD CONSTRAINT "payments_refund_within_amount_guard"
  CHECK ("refundedCents" >= 0 AND "refundedCents" <= COALESCE("capturedCents", "amountCents"));
