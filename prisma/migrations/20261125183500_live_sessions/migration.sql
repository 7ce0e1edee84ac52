-- AlterEnum
ALTER TYPE "WebhookSource" ADD VALUE 'client';

-- AlterTable
ALTER TABLE "participant_connections" ADD COLUMN     "failedAfterMs" INTEGER,
ADD COLUMN     "failure" TEXT,
ADD COLUMN     "firstMediaMs" INTEGER,
ADD COLUMN     "joinId" TEXT,
ADD COLUMN     "reconnects" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "role" "Role" NOT NULL DEFAULT 'viewer',
ADD COLUMN     "signalConnectedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "room_sessions" ADD COLUMN     "closedAt" TIMESTAMP(3),
ADD COLUMN     "outcome" TEXT,
ADD COLUMN     "settledAt" TIMESTAMP(3),
ADD COLUMN     "warnedAt" TIMESTAMP(3);
