-- CreateEnum
CREATE TYPE "StageStatus" AS ENUM ('raised', 'invited', 'on_stage', 'ended');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ModerationActionType" ADD VALUE 'mute_track';
ALTER TYPE "ModerationActionType" ADD VALUE 'ban_from_creator';
ALTER TYPE "ModerationActionType" ADD VALUE 'delete_chat_message';
ALTER TYPE "ModerationActionType" ADD VALUE 'mute_chat';
ALTER TYPE "ModerationActionType" ADD VALUE 'end_room';

-- AlterTable
ALTER TABLE "group_events" ADD COLUMN     "cancelReason" TEXT,
ADD COLUMN     "cancelledAt" TIMESTAMP(3),
ADD COLUMN     "freeCancellationHours" INTEGER NOT NULL DEFAULT 24;

-- AlterTable
ALTER TABLE "tickets" ADD COLUMN     "cancelledAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "stage_requests" (
    "id" TEXT NOT NULL,
    "roomSessionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "status" "StageStatus" NOT NULL DEFAULT 'raised',
    "raisedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "invitedAt" TIMESTAMP(3),
    "onStageAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "endReason" TEXT,

    CONSTRAINT "stage_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chat_messages" (
    "id" TEXT NOT NULL,
    "roomSessionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMP(3),
    "deletedById" TEXT,

    CONSTRAINT "chat_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chat_mutes" (
    "roomSessionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "mutedById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chat_mutes_pkey" PRIMARY KEY ("roomSessionId","userId")
);

-- CreateTable
CREATE TABLE "creator_bans" (
    "id" TEXT NOT NULL,
    "creatorId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "bannedById" TEXT NOT NULL,
    "reason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "creator_bans_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "stage_requests_roomSessionId_status_idx" ON "stage_requests"("roomSessionId", "status");

-- CreateIndex
CREATE INDEX "chat_messages_roomSessionId_createdAt_idx" ON "chat_messages"("roomSessionId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "creator_bans_creatorId_userId_key" ON "creator_bans"("creatorId", "userId");

-- AddForeignKey
ALTER TABLE "stage_requests" ADD CONSTRAINT "stage_requests_roomSessionId_fkey" FOREIGN KEY ("roomSessionId") REFERENCES "room_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stage_requests" ADD CONSTRAINT "stage_requests_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chat_messages" ADD CONSTRAINT "chat_messages_roomSessionId_fkey" FOREIGN KEY ("roomSessionId") REFERENCES "room_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chat_messages" ADD CONSTRAINT "chat_messages_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chat_mutes" ADD CONSTRAINT "chat_mutes_roomSessionId_fkey" FOREIGN KEY ("roomSessionId") REFERENCES "room_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chat_mutes" ADD CONSTRAINT "chat_mutes_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "creator_bans" ADD CONSTRAINT "creator_bans_creatorId_fkey" FOREIGN KEY ("creatorId") REFERENCES "creator_profiles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "creator_bans" ADD CONSTRAINT "creator_bans_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "creator_bans" ADD CONSTRAINT "creator_bans_bannedById_fkey" FOREIGN KEY ("bannedById") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
