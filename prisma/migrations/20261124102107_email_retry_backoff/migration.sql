-- DropIndex
DROP INDEX "email_messages_status_createdAt_idx";

-- AlterTable
ALTER TABLE "email_messages" ADD COLUMN     "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "email_messages_status_nextAttemptAt_idx" ON "email_messages"("status", "nextAttemptAt");
