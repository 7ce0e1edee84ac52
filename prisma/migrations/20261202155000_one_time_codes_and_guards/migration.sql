-- AlterTable
ALTER TABLE "users" ADD COLUMN     "totpLastStep" INTEGER;

-- Hand-written guards (schema.prisma cannot express partial unique indexes; names end in _guard so the
-- drift test leaves them out of the comparison).
-- One pending identity check per creator: two uploads at once cannot both wait for review. Rows the race
-- left before this guard: the earliest stays pending; the later ones are closed as sent twice (the documents
-- stay, for the retention sweep).
WITH ranked AS (
  SELECT id, row_number() OVER (PARTITION BY "userId" ORDER BY "createdAt", id) AS n
    FROM "creator_verifications" WHERE "status" = 'pending'
)
UPDATE "creator_verifications"
   SET "status" = 'declined', "decidedAt" = now(), "note" = 'Sent twice at once; the earlier copy is the one under review.'
 WHERE id IN (SELECT id FROM ranked WHERE n > 1);
CREATE UNIQUE INDEX "creator_verifications_one_pending_guard" ON "creator_verifications"("userId") WHERE "status" = 'pending';
-- A chat message is reported once per reporter. Repeats filed before this guard stay (they may carry their own
-- decisions) but no longer point at the message; each keeps the message's text as it was.
WITH ranked AS (
  SELECT id, row_number() OVER (PARTITION BY "reporterId", "chatMessageId" ORDER BY "createdAt", id) AS n
    FROM "reports" WHERE "chatMessageId" IS NOT NULL
)
UPDATE "reports" SET "chatMessageId" = NULL WHERE id IN (SELECT id FROM ranked WHERE n > 1);
CREATE UNIQUE INDEX "reports_chat_message_once_guard" ON "reports"("reporterId", "chatMessageId") WHERE "chatMessageId" IS NOT NULL;
