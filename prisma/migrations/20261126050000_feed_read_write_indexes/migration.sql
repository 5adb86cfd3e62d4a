-- DropIndex
DROP INDEX "FeedTransaction_organizationId_state_idx";

-- CreateIndex
CREATE INDEX "RegisterEntry_registerId_amountCents_idx" ON "RegisterEntry"("registerId", "amountCents");

