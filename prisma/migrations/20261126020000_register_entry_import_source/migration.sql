-- DropIndex
DROP INDEX "RegisterEntry_registerId_date_idx";

-- AlterTable
ALTER TABLE "RegisterEntry" ADD COLUMN     "feedTransactionId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "RegisterEntry_feedTransactionId_key" ON "RegisterEntry"("feedTransactionId");

-- CreateIndex
CREATE INDEX "RegisterEntry_registerId_date_createdAt_id_idx" ON "RegisterEntry"("registerId", "date", "createdAt", "id");

-- AddForeignKey
ALTER TABLE "RegisterEntry" ADD CONSTRAINT "RegisterEntry_feedTransactionId_fkey" FOREIGN KEY ("feedTransactionId") REFERENCES "FeedTransaction"("id") ON DELETE SET NULL ON UPDATE CASCADE;

