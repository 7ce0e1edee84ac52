-- CreateEnum
CREATE TYPE "RecordingPolicy" AS ENUM ('never', 'on_request', 'always');

-- AlterTable
ALTER TABLE "offerings" ADD COLUMN     "recordingPolicy" "RecordingPolicy" NOT NULL DEFAULT 'never',
ADD COLUMN     "recordingRetentionDays" INTEGER;

-- AlterTable
ALTER TABLE "recordings" ADD COLUMN     "contentType" TEXT,
ADD COLUMN     "deletedAt" TIMESTAMP(3),
ADD COLUMN     "identity" TEXT,
ADD COLUMN     "kind" TEXT,
ADD COLUMN     "retryOfId" TEXT,
ADD COLUMN     "source" TEXT,
ADD COLUMN     "storageKey" TEXT,
ADD COLUMN     "traceId" TEXT,
ADD COLUMN     "trackSid" TEXT;

-- CreateIndex
CREATE INDEX "recordings_trackSid_idx" ON "recordings"("trackSid");

-- CreateIndex
CREATE INDEX "recordings_retainUntil_idx" ON "recordings"("retainUntil");
