-- Several brands from one deployment: a brand per host, accounts per brand, settings per brand.

-- CreateTable
CREATE TABLE "brands" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "url" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "brands_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "brand_domains" (
    "host" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "brand_domains_pkey" PRIMARY KEY ("host")
);

-- CreateIndex
CREATE UNIQUE INDEX "brands_slug_key" ON "brands"("slug");

-- CreateIndex
CREATE INDEX "brand_domains_brandId_idx" ON "brand_domains"("brandId");

-- The default brand: every existing account, setting and message is its.
INSERT INTO "brands" ("id", "slug") VALUES ('default', 'default');
INSERT INTO "brands" ("id", "slug")
  SELECT "id", "id" FROM "brand_settings" WHERE "id" <> 'default' ON CONFLICT DO NOTHING;

-- AlterTable
ALTER TABLE "users" ADD COLUMN "brandId" TEXT NOT NULL DEFAULT 'default';

-- AlterTable
ALTER TABLE "email_messages" ADD COLUMN "brandId" TEXT NOT NULL DEFAULT 'default';

-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN "brandId" TEXT NOT NULL DEFAULT 'default';

-- DropIndex
DROP INDEX "users_email_key";

-- CreateIndex
CREATE UNIQUE INDEX "users_brandId_email_key" ON "users"("brandId", "email");

-- CreateIndex
CREATE INDEX "audit_events_brandId_createdAt_idx" ON "audit_events"("brandId", "createdAt");

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "brands"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "brand_domains" ADD CONSTRAINT "brand_domains_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "brands"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "brand_settings" ADD CONSTRAINT "brand_settings_id_fkey" FOREIGN KEY ("id") REFERENCES "brands"("id") ON DELETE CASCADE ON UPDATE CASCADE;
