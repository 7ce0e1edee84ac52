-- AlterEnum
ALTER TYPE "AccountTokenPurpose" ADD VALUE 'email_change';
