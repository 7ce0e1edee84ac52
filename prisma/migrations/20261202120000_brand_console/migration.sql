-- AlterTable
ALTER TABLE "brand_settings" ADD COLUMN     "emailFooter" TEXT,
ADD COLUMN     "faviconKey" TEXT,
ADD COLUMN     "logoKey" TEXT,
ADD COLUMN     "roomTheme" TEXT,
ADD COLUMN     "statementDescriptorSuffix" TEXT;

-- CreateTable
CREATE TABLE "brand_versions" (
    "id" TEXT NOT NULL,
    "brandSettingsId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "settings" JSONB NOT NULL,
    "changes" JSONB NOT NULL DEFAULT '[]',
    "restoredFromNumber" INTEGER,
    "actorId" TEXT,
    "actorEmail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "brand_versions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "brand_versions_brandSettingsId_number_key" ON "brand_versions"("brandSettingsId", "number");

-- AddForeignKey
ALTER TABLE "brand_versions" ADD CONSTRAINT "brand_versions_brandSettingsId_fkey" FOREIGN KEY ("brandSettingsId") REFERENCES "brand_settings"("id") ON DELETE CASCADE ON UPDATE CASCADE;
