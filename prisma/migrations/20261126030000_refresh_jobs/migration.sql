-- CreateEnum
CREATE TYPE "RefreshReason" AS ENUM ('NIGHTLY', 'RETRY');

-- CreateTable
CREATE TABLE "RefreshCycle" (
    "id" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "windowSeconds" INTEGER NOT NULL,
    "plannedCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RefreshCycle_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RefreshTicket" (
    "id" TEXT NOT NULL,
    "cycleId" TEXT,
    "connectionId" TEXT NOT NULL,
    "institutionId" TEXT NOT NULL,
    "reason" "RefreshReason" NOT NULL,
    "runAfter" TIMESTAMP(3) NOT NULL,
    "attemptedAt" TIMESTAMP(3),
    "eventId" TEXT,
    "statusCode" INTEGER,
    "outcome" TEXT,
    "finishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RefreshTicket_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AggregatorSlot" (
    "slot" INTEGER NOT NULL,
    "holder" TEXT,
    "leasedUntil" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AggregatorSlot_pkey" PRIMARY KEY ("slot")
);

-- CreateIndex
CREATE INDEX "RefreshTicket_cycleId_finishedAt_idx" ON "RefreshTicket"("cycleId", "finishedAt");

-- CreateIndex
CREATE INDEX "RefreshTicket_connectionId_createdAt_idx" ON "RefreshTicket"("connectionId", "createdAt");

-- CreateIndex
CREATE INDEX "ConnectionEvent_createdAt_idx" ON "ConnectionEvent"("createdAt");

-- AddForeignKey
ALTER TABLE "RefreshTicket" ADD CONSTRAINT "RefreshTicket_cycleId_fkey" FOREIGN KEY ("cycleId") REFERENCES "RefreshCycle"("id") ON DELETE CASCADE ON UPDATE CASCADE;

