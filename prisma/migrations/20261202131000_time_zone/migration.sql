-- AlterTable
ALTER TABLE "users" ADD COLUMN     "timeZone" TEXT;
