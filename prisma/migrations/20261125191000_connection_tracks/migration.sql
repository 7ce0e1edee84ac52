-- AlterTable
ALTER TABLE "participant_connections" ADD COLUMN     "firstPublishedAt" TIMESTAMP(3),
ADD COLUMN     "publishedSources" TEXT[] DEFAULT ARRAY[]::TEXT[];
