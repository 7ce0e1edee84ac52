-- AlterTable
ALTER TABLE "room_sessions" ADD COLUMN     "recordingRequestedAt" TIMESTAMP(3);
