-- CreateEnum
CREATE TYPE "VerificationStatus" AS ENUM ('pending', 'approved', 'declined');

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "creatorVerifiedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "creator_verifications" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "provider" TEXT NOT NULL DEFAULT 'manual',
    "status" "VerificationStatus" NOT NULL DEFAULT 'pending',
    "documentKey" TEXT,
    "selfieKey" TEXT,
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "note" TEXT,
    "documentsDeletedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "creator_verifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "creator_verifications_userId_createdAt_idx" ON "creator_verifications"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "creator_verifications_status_createdAt_idx" ON "creator_verifications"("status", "createdAt");

-- AddForeignKey
ALTER TABLE "creator_verifications" ADD CONSTRAINT "creator_verifications_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "creator_verifications" ADD CONSTRAINT "creator_verifications_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Creators who existed before the identity and age check are marked verified as of this migration, so live
-- profiles, offerings and shows keep working (README, "Creator verification"); new creators must pass it.
UPDATE "users" SET "creatorVerifiedAt" = CURRENT_TIMESTAMP WHERE "role" = 'creator';
