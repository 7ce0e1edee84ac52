-- AlterTable
ALTER TABLE "users" ADD COLUMN     "totpLastStep" INTEGER;

-- Hand-written guards (schema.prisma cannot express partial unique indexes; names end in _guard so the
-- drift test leaves them out of the comparison).
-- One pending identity check per creator: two uploads at once cannot both wait for review.
CREATE UNIQUE INDEX "creator_verifications_one_pending_guard" ON "creator_verifications"("userId") WHERE "status" = 'pending';
-- A chat message is reported once per reporter.
CREATE UNIQUE INDEX "reports_chat_message_once_guard" ON "reports"("reporterId", "chatMessageId") WHERE "chatMessageId" IS NOT NULL;
