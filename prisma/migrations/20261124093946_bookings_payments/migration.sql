-- CreateEnum
CREATE TYPE "EmailStatus" AS ENUM ('pending', 'sent', 'failed');

-- DropIndex
DROP INDEX "bookings_slotKey_key";

-- AlterTable
ALTER TABLE "bookings" DROP COLUMN "slotKey",
ADD COLUMN     "freeCancellationHours" INTEGER NOT NULL DEFAULT 24,
ADD COLUMN     "holdsSlot" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "viewerTimeZone" TEXT NOT NULL DEFAULT 'UTC';

-- AlterTable
ALTER TABLE "payments" ADD COLUMN     "checkoutExpiresAt" TIMESTAMP(3),
ADD COLUMN     "checkoutUrl" TEXT;

-- CreateTable
CREATE TABLE "email_messages" (
    "id" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "traceId" TEXT,
    "toAddress" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "textBody" TEXT NOT NULL,
    "icsFilename" TEXT,
    "icsContent" TEXT,
    "status" "EmailStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "raw" TEXT,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "email_messages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "email_messages_dedupeKey_key" ON "email_messages"("dedupeKey");

-- CreateIndex
CREATE INDEX "email_messages_status_createdAt_idx" ON "email_messages"("status", "createdAt");

-- CreateIndex
CREATE INDEX "email_messages_traceId_idx" ON "email_messages"("traceId");

-- Hand-written guards (schema.prisma cannot express these; names end in _guard so the drift test
-- knows they live only in SQL, and tests/integration cover each one).

-- One creator is never booked twice for overlapping times: rows that hold their slot (a live hold or
-- a confirmed session) may not overlap. Timestamps are UTC (Prisma's timestamp(3)), so tsrange is exact.
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_no_overlap_guard"
  EXCLUDE USING gist ("creatorId" WITH =, tsrange("startsAt", "endsAt", '[)') WITH &&) WHERE ("holdsSlot");
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_time_order_guard" CHECK ("endsAt" > "startsAt");

-- A payment is never refunded more than was paid.
ALTER TABLE "payments" ADD CONSTRAINT "payments_refund_within_amount_guard"
  CHECK ("refundedCents" >= 0 AND "refundedCents" <= "amountCents");
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_amount_positive_guard" CHECK ("amountCents" > 0);
