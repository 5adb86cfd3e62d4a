-- CreateIndex
CREATE INDEX "RegisterEntry_registerId_amountCents_idx" ON "RegisterEntry"("registerId", "amountCents");

