-- The brand's domain was stored and never used: the public address is APP_URL (one home per setting).
-- AlterTable
ALTER TABLE "brand_settings" DROP COLUMN "domain";
