-- CreateEnum
CREATE TYPE "LinkStyle" AS ENUM ('CREDENTIALS', 'HOSTED');

-- CreateEnum
CREATE TYPE "ConnectPurpose" AS ENUM ('LINK', 'FIX');

-- CreateEnum
CREATE TYPE "ConnectSessionStatus" AS ENUM ('OPEN', 'COMPLETED', 'FAILED', 'CANCELLED');

-- AlterTable
ALTER TABLE "Institution" ADD COLUMN "linkStyle" "LinkStyle" NOT NULL DEFAULT 'CREDENTIALS';

-- AlterTable
ALTER TABLE "Connection" ADD COLUMN "connectSessionId" TEXT;

-- CreateTable
CREATE TABLE "ConnectSession" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "purpose" "ConnectPurpose" NOT NULL,
    "institutionId" TEXT,
    "connectionId" TEXT,
    "status" "ConnectSessionStatus" NOT NULL DEFAULT 'OPEN',
    "statusCode" INTEGER,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ConnectSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AggregatorCustomer" (
    "organizationId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AggregatorCustomer_pkey" PRIMARY KEY ("organizationId","provider")
);

-- CreateIndex
CREATE INDEX "Connection_connectSessionId_idx" ON "Connection"("connectSessionId");

-- CreateIndex
CREATE INDEX "ConnectSession_organizationId_createdAt_idx" ON "ConnectSession"("organizationId", "createdAt");

-- CreateIndex
CREATE INDEX "ConnectSession_connectionId_idx" ON "ConnectSession"("connectionId");

-- CreateIndex
CREATE UNIQUE INDEX "AggregatorCustomer_provider_customerId_key" ON "AggregatorCustomer"("provider", "customerId");

-- AddForeignKey
ALTER TABLE "Connection" ADD CONSTRAINT "Connection_connectSessionId_fkey" FOREIGN KEY ("connectSessionId") REFERENCES "ConnectSession"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConnectSession" ADD CONSTRAINT "ConnectSession_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConnectSession" ADD CONSTRAINT "ConnectSession_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AggregatorCustomer" ADD CONSTRAINT "AggregatorCustomer_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
