-- CreateEnum
CREATE TYPE "FeedHideKind" AS ENUM ('HIDE_ALL', 'AUTOMATIC');

-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "autoHideSureDuplicates" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "FeedTransaction" ADD COLUMN     "hideBatchId" TEXT;

-- CreateTable
CREATE TABLE "FeedHideBatch" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "bankAccountId" TEXT NOT NULL,
    "kind" "FeedHideKind" NOT NULL,
    "actorUserId" TEXT,
    "filters" JSONB,
    "hiddenCount" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "restoredAt" TIMESTAMP(3),
    "restoredById" TEXT,

    CONSTRAINT "FeedHideBatch_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FeedHideBatch_bankAccountId_createdAt_idx" ON "FeedHideBatch"("bankAccountId", "createdAt");

-- AddForeignKey
ALTER TABLE "FeedHideBatch" ADD CONSTRAINT "FeedHideBatch_bankAccountId_fkey" FOREIGN KEY ("bankAccountId") REFERENCES "BankAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
