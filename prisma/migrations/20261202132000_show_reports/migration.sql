-- AlterTable
ALTER TABLE "reports" ADD COLUMN     "chatMessageId" TEXT,
ADD COLUMN     "chatMessageText" TEXT,
ADD COLUMN     "groupEventId" TEXT;

-- AddForeignKey
ALTER TABLE "reports" ADD CONSTRAINT "reports_groupEventId_fkey" FOREIGN KEY ("groupEventId") REFERENCES "group_events"("id") ON DELETE SET NULL ON UPDATE CASCADE;
