-- AlterTable
ALTER TABLE "Institution" ADD COLUMN     "sandboxSiteUrl" TEXT;
