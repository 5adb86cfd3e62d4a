-- AlterTable
ALTER TABLE "Connection" ADD COLUMN     "providerAttemptAt" TIMESTAMP(3);
